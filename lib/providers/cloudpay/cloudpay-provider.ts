import "server-only";
import { z } from "zod";
import { signaturesEqual } from "@/lib/crypto/digest";
import { formatYuan, parseYuan } from "@/lib/money";
import type { NotifyOutcome, NotifyRequest, PaymentProvider, ProviderDefinition } from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/types";
import { parseUpstreamJson, upstreamText } from "@/lib/providers/upstream-fetch";
import { textAck } from "@/lib/providers/provider-ack";
import { cloudpayChannelSchema } from "./config";
import { upstreamCreateSign, upstreamNotifySign } from "./cloudpay-upstream-sign";

const LABEL = "云端";
/**
 * The merchant protocol's own answers (docs/protocols/cloudpay.md#notify): `success` stops the upstream's pushes,
 * `fail` retries.
 */
const ACK = textAck("success");
const FAIL = textAck("fail");

const yuan = z.string().refine((v) => parseYuan(v) !== null, "not a yuan amount");
const createReply = z.looseObject({
  code: z.union([z.number(), z.string()]).transform((v) => String(v)),
  msg: z.string().optional(),
  data: z
    .looseObject({
      pay_url: z.url({ protocol: /^https?$/ }),
      // Not in the 云端 reply (docs/providers/cloudpay.md#quirks); a Paydesk upstream adds them
      // (docs/protocols/cloudpay.md#create "may add fields").
      order_id: z
        .union([z.string(), z.number()])
        .transform((v) => String(v))
        .optional(),
      pay_amount: yuan.optional(),
      expires_at: z.number().int().positive().optional(),
    })
    .optional(),
});

const notifySchema = z.object({
  order_id: z.string().min(1).max(64),
  out_order_id: z.string().min(1).max(128),
  price: z.string(),
  realprice: yuan,
  type: z.string().max(32),
  paytime: z.string(),
  extend: z.string().default(""),
  sign: z.string().min(1),
});

/**
 * The upstream's notify is a POST (form, or JSON on some deployments): docs/protocols/cloudpay.md#notify,
 * docs/providers/cloudpay.md#quirks.
 */
function readFields(request: NotifyRequest): Record<string, string> {
  const raw = request.rawBody;
  if (/^\s*\{/.test(raw)) {
    // Some upstream deployments post JSON; take only string-like scalars, exactly as sent.
    try {
      const json: unknown = JSON.parse(raw);
      if (typeof json !== "object" || json === null) return {};
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(json)) if (typeof v === "string" || typeof v === "number") out[k] = String(v);
      return out;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/**
 * 云端 (cloudpay) upstream: another platform that speaks the merchant protocol Paydesk itself serves, with Paydesk as
 * its merchant. The QR payload is the upstream's own hosted page (`data.pay_url`); the upstream's async notify goes
 * to the URL configured in *its* back office (not sent per order), which must be `/api/notify/{channel_id}`.
 */
export const cloudpayProvider: ProviderDefinition<typeof cloudpayChannelSchema> = {
  schema: cloudpayChannelSchema,
  create(channel, deps): PaymentProvider {
    const createUrl = `${channel.base_url.replace(/\/+$/, "")}/api/cloudpay/create`;
    return {
      retryAck: FAIL,

      async createPayment(input) {
        const price = formatYuan(input.amountFen);
        // out_order_id is our order id, so the upstream's notify names our order; `custom` stays empty (signed as
        // ""), because the shop's own `custom` (often an e-mail) is none of the upstream's business.
        const params = { appkey: channel.appkey, price, type: input.type, out_order_id: input.orderId, custom: "" };
        const form = new URLSearchParams({
          appkey: params.appkey,
          price,
          type: params.type,
          out_order_id: params.out_order_id,
          sign: upstreamCreateSign(params, channel.appsecret),
        });
        const reply = await upstreamText(deps.fetch, LABEL, createUrl, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", Accept: "application/json" },
          body: form,
          signal: input.signal,
        });
        const r = parseUpstreamJson(LABEL, reply, createReply);
        if (r.code !== "100") throw new UpstreamError(`${LABEL}：${r.msg ?? `错误码 ${r.code}`}`);
        if (!r.data) throw new UpstreamError(`${LABEL}：应答缺少 data`);
        const payAmountFen = r.data.pay_amount !== undefined ? parseYuan(r.data.pay_amount) : input.amountFen;
        if (payAmountFen === null || payAmountFen <= 0) throw new UpstreamError(`${LABEL}：应答金额无效`);
        return {
          payload: r.data.pay_url,
          payAmountFen,
          providerOrderId: r.data.order_id ?? null,
          expiresAt: r.data.expires_at !== undefined ? r.data.expires_at * 1000 : null,
          freeAmount: false,
        };
      },

      async parseNotify(request: NotifyRequest): Promise<NotifyOutcome> {
        // Only as sent: a GET carrying a signed notify is a copy from a log or a link, never the upstream.
        if (request.method !== "POST") return { kind: "rejected", reason: "cloudpay notify must be POST", ack: FAIL };
        const parsed = notifySchema.safeParse(readFields(request));
        if (!parsed.success) return { kind: "rejected", reason: "malformed cloudpay notify", ack: FAIL };
        const f = parsed.data;
        // Signed over the strings exactly as received, with the upstream credentials of this channel.
        if (!signaturesEqual(upstreamNotifySign(channel.appkey, f, channel.appsecret), f.sign)) {
          return { kind: "rejected", reason: "bad cloudpay sign", ack: FAIL };
        }
        const amountFen = parseYuan(f.realprice);
        if (amountFen === null) return { kind: "rejected", reason: "bad cloudpay realprice", ack: FAIL };
        return {
          kind: "payment",
          tradeNo: f.order_id,
          amountFen,
          // The wallet the upstream says was paid, in the merchant protocol's own words: it must be the order's.
          type: f.type,
          // Matched by out_order_id (= our order id), not by the upstream order_id: the 云端 create reply carries
          // no order_id (only pay_url), so the upstream's id is first seen in this notify. resolveOrder still checks
          // that the order belongs to this channel.
          match: { by: "order_id", orderId: f.out_order_id },
          ack: ACK,
          raw: {
            order_id: f.order_id,
            out_order_id: f.out_order_id,
            price: f.price,
            realprice: f.realprice,
            type: f.type,
            paytime: f.paytime,
          },
        };
      },
    };
  },
};
