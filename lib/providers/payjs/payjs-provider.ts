import "server-only";
import { z } from "zod";
import { signaturesEqual } from "@/lib/crypto/digest";
import { parseFen } from "@/lib/money";
import type {
  NotifyOutcome,
  NotifyRequest,
  PaymentProvider,
  ProviderDefinition,
  QueryOutcome,
  RefundOutcome,
} from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/types";
import { parseUpstreamJson, upstreamText } from "@/lib/providers/upstream-fetch";
import { textAck } from "@/lib/providers/provider-ack";
import { payjsChannelSchema } from "./config";
import { payjsSign, withoutSign, type PayjsValue } from "./payjs-sign";

const LABEL = "PAYJS";
const ACK = textAck("success");
const REJECT = textAck("fail", 400);
/** PAYJS judges delivery by an HTTP 200 within 3 s; a 500 is what makes it come back (0/15/30/180/1800/3600 s). */
const RETRY = textAck("fail", 500);
/** `code_url` is valid for 2 hours (docs/providers/payjs.md#wire-protocol). */
const CODE_URL_TTL_MS = 2 * 60 * 60 * 1000;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const replyFields = z.record(z.string(), scalar);
const fen = z
  .union([z.number(), z.string()])
  .transform((v) => parseFen(String(v)))
  .pipe(z.number());
/** `return_code` is 1/0, as a JSON number or a string depending on the endpoint. */
const flag = z.union([z.number(), z.string()]).transform((v) => String(v));

const nativeReply = z.looseObject({
  return_code: flag,
  payjs_order_id: z.string().min(1),
  out_trade_no: z.string(),
  total_fee: fen,
  code_url: z.string().min(1),
});
const checkReply = z.looseObject({
  return_code: flag,
  status: flag.optional(),
  payjs_order_id: z.string().optional(),
  total_fee: fen.optional(),
});
const refundReply = z.looseObject({
  return_code: flag,
  payjs_order_id: z.string().optional(),
});
const notifyFields = z.looseObject({
  return_code: z.string(),
  total_fee: z.string(),
  out_trade_no: z.string().optional(),
  payjs_order_id: z.string().min(1).max(64),
  mchid: z.string(),
  /** Only `alipay` is ever sent (docs/providers/payjs.md#wire-protocol); absent, the payment was made with WeChat. */
  type: z.string().max(32).optional(),
  sign: z.string().min(1),
});

function failureMessage(r: Record<string, PayjsValue>): string {
  const msg = typeof r.msg === "string" && r.msg ? r.msg : typeof r.return_msg === "string" ? r.return_msg : "";
  return `${LABEL}：${msg || "请求失败"}`;
}

/**
 * PAYJS: WeChat/Alipay native codes through payjs.cn. Form requests, uppercase-MD5 `k=v&…&key=` signatures with PHP
 * `array_filter` semantics, JSON replies, form notifies. Its check endpoint must not be polled often (IP blacklist),
 * so it is used only by the rate-limited reconciliation.
 */
export const payjsProvider: ProviderDefinition<typeof payjsChannelSchema> = {
  schema: payjsChannelSchema,
  create(channel, deps): PaymentProvider {
    const endpoint = (path: string) => `${channel.base_url.replace(/\/+$/, "")}${path}`;

    /** POSTs a signed form; answers the reply's fields, whatever its return_code. */
    async function post(path: string, fields: Record<string, string>, signal: AbortSignal) {
      const signed = { ...fields, mchid: channel.mchid };
      const body = new URLSearchParams({ ...signed, sign: payjsSign(signed, channel.key) });
      const reply = await upstreamText(deps.fetch, LABEL, endpoint(path), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", Accept: "application/json" },
        body,
        signal,
      });
      return parseUpstreamJson(LABEL, reply, replyFields);
    }

    /** Successful replies are signed like notifies; one that fails its sign is not a fact to act on. */
    function verifiedReply(r: Record<string, PayjsValue>) {
      if (typeof r.sign !== "string" || !signaturesEqual(payjsSign(withoutSign(r), channel.key), r.sign)) {
        throw new UpstreamError(`${LABEL}：应答签名错误`);
      }
      return r;
    }

    /** `post`, then return_code 1 and a good sign, or UpstreamError (a check answer credits orders). */
    async function call(path: string, fields: Record<string, string>, signal: AbortSignal) {
      const r = await post(path, fields, signal);
      if (String(r.return_code) !== "1") throw new UpstreamError(failureMessage(r));
      return verifiedReply(r);
    }

    return {
      retryAck: RETRY,

      async createPayment(input) {
        const fields: Record<string, string> = {
          total_fee: String(input.amountFen),
          out_trade_no: input.orderId,
          body: input.subject.slice(0, 64),
          notify_url: input.notifyUrl,
        };
        // Empty `type` means WeChat; only Alipay is named (QQ wallet is not offered by PAYJS).
        if (input.type === "alipay") fields.type = "alipay";
        else if (input.type !== "wxpay") throw new UpstreamError(`${LABEL}：不支持的支付方式 ${input.type}`);
        const reply = nativeReply.safeParse(await call("/api/native", fields, input.signal));
        if (!reply.success) throw new UpstreamError(`${LABEL}：下单应答缺少字段`);
        const r = reply.data;
        if (r.out_trade_no !== input.orderId) throw new UpstreamError(`${LABEL}：应答订单号不符`);
        return {
          payload: r.code_url,
          payAmountFen: r.total_fee,
          providerOrderId: r.payjs_order_id,
          expiresAt: input.now + CODE_URL_TTL_MS,
          freeAmount: false,
        };
      },

      async parseNotify(request: NotifyRequest): Promise<NotifyOutcome> {
        // PAYJS POSTs its notify as a form; a GET with a signed query is a copy (a log, a link), not PAYJS.
        if (request.method !== "POST") return { kind: "rejected", reason: "payjs notify must be POST", ack: REJECT };
        const received = Object.fromEntries(new URLSearchParams(request.rawBody));
        const parsed = notifyFields.safeParse(received);
        if (!parsed.success) return { kind: "rejected", reason: "malformed payjs notify", ack: REJECT };
        // Verify over every received field except sign: PAYJS adds fields over time and signs them all.
        if (!signaturesEqual(payjsSign(withoutSign(received), channel.key), parsed.data.sign)) {
          return { kind: "rejected", reason: "bad payjs sign", ack: REJECT };
        }
        const f = parsed.data;
        if (f.mchid !== channel.mchid)
          return { kind: "rejected", reason: "payjs notify for another mchid", ack: REJECT };
        if (f.return_code !== "1") return { kind: "ignored", reason: `payjs return_code ${f.return_code}`, ack: ACK };
        const amountFen = parseFen(f.total_fee);
        if (amountFen === null) return { kind: "rejected", reason: "bad payjs total_fee", ack: REJECT };
        return {
          kind: "payment",
          // payjs_order_id rather than transaction_id: it is always present, it is the id we got at create and
          // query /api/check with, so notify and reconciliation name the trade alike; PAYJS pays an order once.
          tradeNo: f.payjs_order_id,
          amountFen,
          // As created: an empty type is WeChat, `alipay` is Alipay (the core compares it with the order's).
          type: f.type ? f.type : "wxpay",
          match: { by: "provider_order_id", providerOrderId: f.payjs_order_id },
          ack: ACK,
          raw: withoutSign(received),
        };
      },

      async queryPayment(input): Promise<QueryOutcome> {
        if (input.providerOrderId === null) return { paid: false };
        const r = checkReply.safeParse(
          await call("/api/check", { payjs_order_id: input.providerOrderId }, input.signal),
        );
        if (!r.success) throw new UpstreamError(`${LABEL}：查询应答格式不符`);
        if (r.data.status !== "1") return { paid: false };
        if (r.data.payjs_order_id !== undefined && r.data.payjs_order_id !== input.providerOrderId) {
          throw new UpstreamError(`${LABEL}：查询应答订单号不符`);
        }
        if (r.data.total_fee === undefined) throw new UpstreamError(`${LABEL}：查询应答缺少金额`);
        return {
          paid: true,
          tradeNo: input.providerOrderId,
          amountFen: r.data.total_fee,
          raw: { source: "check", ...withoutSign(r.data) },
        };
      },

      /**
       * `/api/refund` refunds the whole order named by `payjs_order_id` (docs/providers/payjs.md#refunds): it has no
       * amount and no refund number, so a partial refund is refused here, and a repeat names the same whole-order
       * refund (it cannot pay back twice). PAYJS has no refund query: a lost answer is asked again with this call.
       */
      async refund(input): Promise<RefundOutcome> {
        if (!input.tradeNo) return { kind: "failed", reason: `${LABEL}：订单没有 PAYJS 订单号` };
        if (input.amountFen !== input.totalFen) {
          return { kind: "failed", reason: `${LABEL}：只支持整单退款，不能部分退款` };
        }
        const r = await post("/api/refund", { payjs_order_id: input.tradeNo }, input.signal);
        // A refusal (return_code 0: not paid, already refunded, balance short …) is the platform's answer, with its
        // reason; PAYJS does not sign its failure replies.
        if (String(r.return_code) !== "1") return { kind: "failed", reason: failureMessage(r) };
        const reply = refundReply.safeParse(verifiedReply(r));
        if (!reply.success) throw new UpstreamError(`${LABEL}：退款应答格式不符`);
        if (reply.data.payjs_order_id !== undefined && reply.data.payjs_order_id !== input.tradeNo) {
          throw new UpstreamError(`${LABEL}：退款应答订单号不符`);
        }
        return { kind: "succeeded", providerRefundId: input.tradeNo, amountFen: input.amountFen };
      },
    };
  },
};
