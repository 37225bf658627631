import "server-only";
import { z } from "zod";
import { ORDER_ID_PATTERN } from "@/lib/ids";
import { md5, signaturesEqual } from "@/lib/crypto/digest";
import { parseFen, parseYuan } from "@/lib/money";
import {
  UpstreamError,
  type NotifyOutcome,
  type NotifyRequest,
  type PaymentMatch,
  type PaymentProvider,
  type ProviderAck,
  type ProviderDefinition,
  type ProviderDeps,
} from "@/lib/providers/types";
import type { PayType } from "@/lib/pay-types";
import { textAck } from "@/lib/providers/provider-ack";
import { sanwangChannelSchema, type SanwangChannel } from "./config";
import { alipayQrContent, monitorCode } from "./sanwang-codes";

/** The software stops re-pushing a notify when the answer CONTAINS the channel's return flag. */
export function sanwangSuccessAck(flag: string): ProviderAck {
  return textAck(`success${flag}`);
}

/** A failure answer must not contain the flag (whatever it is), so the software keeps the notify and retries. */
export function sanwangFailureAck(flag: string, status = 200): ProviderAck {
  const body = "fail".includes(flag) ? "" : "fail";
  return textAck(body, status);
}

/** Every notify carries the configured key in clear; compared over digests so the comparison is constant-time. */
export function sanwangKeyMatches(configured: string, received: string): boolean {
  return signaturesEqual(md5(configured), md5(received));
}

// The three programs' notifies (docs/providers/sanwang.md#notifications). Only the fields Paydesk uses are declared;
// the payer's name and account (username, userid, payer_name, WxUserName…) are deliberately not kept.
const alipaySchema = z.object({
  tradeNo: z.string().min(1).max(64),
  goodsTitle: z.string().max(256).default(""),
  amount: z.string().min(1).max(16),
  uid: z.string().max(64).default(""),
  tradeTime: z.string().max(64).optional(),
});
const wechatSchema = z.object({
  Outtradeno: z.string().min(1).max(64),
  amount: z.string().min(1).max(16),
  memo: z.string().max(256).default(""),
  time: z.string().max(64).optional(),
});
const qqSchema = z.object({
  listid: z.string().min(1).max(64),
  amount: z.string().min(1).max(16),
  memo: z.string().max(256).default(""),
  qq: z.string().max(64).optional(),
});

interface ParsedNotify {
  wallet: PayType;
  tradeNo: string;
  amountFen: number | null;
  memo: string;
  raw: Record<string, unknown>;
}

/** Tells the three notifies apart by their transaction-number field and normalises them (amounts to fen). */
function parseFields(fields: Record<string, string>): ParsedNotify | null {
  if ("tradeNo" in fields) {
    const p = alipaySchema.safeParse(fields);
    if (!p.success) return null;
    const f = p.data;
    return {
      wallet: "alipay",
      tradeNo: f.tradeNo,
      amountFen: parseYuan(f.amount),
      memo: f.goodsTitle.trim(),
      raw: { wallet: "alipay", ...f },
    };
  }
  if ("Outtradeno" in fields) {
    const p = wechatSchema.safeParse(fields);
    if (!p.success) return null;
    const f = p.data;
    return {
      wallet: "wxpay",
      tradeNo: f.Outtradeno,
      amountFen: parseFen(f.amount),
      memo: f.memo.trim(),
      raw: { wallet: "wxpay", ...f },
    };
  }
  if ("listid" in fields) {
    const p = qqSchema.safeParse(fields);
    if (!p.success) return null;
    const f = p.data;
    return {
      wallet: "qqpay",
      tradeNo: f.listid,
      amountFen: parseFen(f.amount),
      memo: f.memo.trim(),
      raw: { wallet: "qqpay", ...f },
    };
  }
  return null;
}

/**
 * memo → the order. Alipay's memo is the order id itself (when the payment reached this channel's account);
 * WeChat/QQ memos name a cached code, whose current holder is the order (a reused code credits the order that
 * holds it now). Anything else matches nothing and is kept for review.
 */
async function matchPayment(
  channel: SanwangChannel,
  deps: ProviderDeps,
  n: ParsedNotify,
  fields: Record<string, string>,
): Promise<PaymentMatch> {
  if (!channel.types.includes(n.wallet) || !n.memo) return { by: "none" };
  if (n.wallet === "alipay") {
    // Money that reached another Alipay account on the same monitor is not this channel's to credit.
    if (fields.uid && channel.alipay_uid && fields.uid !== channel.alipay_uid) return { by: "none" };
    return ORDER_ID_PATTERN.test(n.memo) ? { by: "order_id", orderId: n.memo } : { by: "none" };
  }
  const code = await deps.qrCache.findQrCodeByMemo(channel.id, n.memo);
  return code?.order_id ? { by: "order_id", orderId: code.order_id } : { by: "none" };
}

async function parseNotify(
  channel: SanwangChannel,
  deps: ProviderDeps,
  request: NotifyRequest,
): Promise<NotifyOutcome> {
  const fail = sanwangFailureAck(channel.return_flag);
  // The software POSTs a form (docs/providers/sanwang.md#notifications, "回调采用http post协议提交"). The key travels in clear
  // in it: a GET carrying it is a copy from a proxy log or a planted link, never the software.
  if (request.method !== "POST") return { kind: "rejected", reason: "sanwang notify must be POST", ack: fail };
  const fields: Record<string, string> = Object.fromEntries(request.url.searchParams);
  for (const [k, v] of new URLSearchParams(request.rawBody)) fields[k] = v;
  if (!sanwangKeyMatches(channel.key, fields.key ?? ""))
    return { kind: "rejected", reason: "bad sanwang key", ack: fail };
  const n = parseFields(fields);
  if (!n) return { kind: "rejected", reason: "malformed sanwang notify", ack: fail };
  if (n.amountFen === null || n.amountFen <= 0) return { kind: "rejected", reason: "bad sanwang amount", ack: fail };
  return {
    kind: "payment",
    // The software re-pushes recent payments on every restart: the wallet's own number (prefixed, so Alipay,
    // WeChat and QQ numbers of one channel never collide) is what makes each of them apply once.
    tradeNo: `${n.wallet}:${n.tradeNo}`,
    amountFen: n.amountFen,
    // Which program pushed it: an Alipay payment must not pay a WeChat order whose id its memo names.
    type: n.wallet,
    match: await matchPayment(channel, deps, n, fields),
    ack: sanwangSuccessAck(channel.return_flag),
    raw: n.raw,
  };
}

/**
 * 三网 monitor software (docs/providers/sanwang.md#how-it-works): Alipay codes built locally, WeChat/QQ codes from the
 * monitor through the QR cache, and key-checked notifies pushed by the software.
 */
export const sanwangProvider: ProviderDefinition<typeof sanwangChannelSchema> = {
  schema: sanwangChannelSchema,
  create(channel, deps): PaymentProvider {
    return {
      retryAck: sanwangFailureAck(channel.return_flag, 500),
      async createPayment(input) {
        if (!channel.types.includes(input.type)) throw new UpstreamError("三网：该通道不支持此支付方式");
        if (input.type === "alipay") {
          if (!channel.alipay_uid) throw new UpstreamError("三网：未配置 alipay_uid");
          return {
            payload: alipayQrContent(channel, input.amountFen, input.orderId),
            payAmountFen: input.amountFen,
            providerOrderId: null,
            expiresAt: null,
            freeAmount: false,
          };
        }
        return monitorCode(channel, deps, input.type, input);
      },
      parseNotify: (request) => parseNotify(channel, deps, request),
    };
  },
};
