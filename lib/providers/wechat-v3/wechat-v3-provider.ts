import "server-only";
import { z } from "zod";
import type {
  CloseOutcome,
  NotifyOutcome,
  NotifyRequest,
  PaymentProvider,
  ProviderAck,
  ProviderDefinition,
  QueryOutcome,
  RefundOutcome,
} from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/types";
import { textAck } from "@/lib/providers/provider-ack";
import { wechatV3ChannelSchema } from "./config";
import { errorBody, LABEL, wechatClient, type Reply } from "./wechat-v3-client";
import { decryptResource } from "./wechat-v3-sign";

const jsonAck = (status: number, body: string): ProviderAck => ({
  status,
  body,
  contentType: "application/json; charset=utf-8",
});
/** Accepted: HTTP 200 (or 204) with no body. (A 204 Response may not carry a body, hence 200 and "".) */
const ACK = textAck("");
/** Refused: a 4xx with `{code, message}`; WeChat Pay would retry it, but a refused notify is not WeChat Pay's. */
const REJECT = jsonAck(400, JSON.stringify({ code: "FAIL", message: "验签失败" }));
/** Retry later: a 5xx makes WeChat Pay re-send (15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h over 24 h). */
const RETRY = jsonAck(500, JSON.stringify({ code: "FAIL", message: "失败" }));
/** How far a notify's signed timestamp may be from Paydesk's clock (the documented replay window). */
export const NOTIFY_CLOCK_WINDOW_MS = 5 * 60 * 1000;
/** A Native code_url is valid for 2 hours; time_expire shortens it. */
const CODE_URL_TTL_MS = 2 * 60 * 60 * 1000;
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
/** out_trade_no and out_refund_no: 6–32 of `[A-Za-z0-9_|*-]`. Paydesk's ids are 24 base62 characters. */
const OUT_NO = /^[A-Za-z0-9_|*-]{6,64}$/;

/** RFC 3339 in Beijing time, as time_expire wants it. */
export function wechatTime(ms: number): string {
  return `${new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

const amount = z.looseObject({ total: z.number().int().nonnegative() });
const transaction = z.looseObject({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string().min(1).max(64).optional(),
  trade_state: z.string(),
  amount: amount.optional(),
});
const refundReply = z.looseObject({
  refund_id: z.string().optional(),
  out_refund_no: z.string(),
  status: z.string(),
  amount: z.looseObject({ refund: z.number().int().nonnegative() }).optional(),
});
const notifyEnvelope = z.looseObject({
  id: z.string(),
  event_type: z.string(),
  resource_type: z.string(),
  resource: z.looseObject({
    algorithm: z.literal("AEAD_AES_256_GCM"),
    ciphertext: z.string().min(1),
    nonce: z.string().min(1),
    associated_data: z.string().optional(),
    original_type: z.string().optional(),
  }),
});

/**
 * WeChat Pay APIv3 Native (微信支付 Native 下单): `POST /v3/pay/transactions/native` gives a
 * `weixin://wxpay/bizpayurl?pr=…` code, payable by scanning with the WeChat camera. Requests are signed
 * `WECHATPAY2-SHA256-RSA2048` with the merchant key; every answer and notify is verified with WeChat Pay's public
 * key or a platform certificate (by Wechatpay-Serial) before anything in it is believed; notifies older than five
 * minutes are refused, and their `resource` is decrypted with the APIv3 key. node:crypto only: WeChat Pay
 * publishes no Node SDK, and the community ones bring their own HTTP client (no AbortSignal, no injected fetch).
 */
export const wechatV3Provider: ProviderDefinition<typeof wechatV3ChannelSchema> = {
  schema: wechatV3ChannelSchema,
  create(channel, deps): PaymentProvider {
    const { keys, verify, call, refusal, codeOf } = wechatClient(channel, deps.fetch);

    async function queryOrder(orderId: string, now: number, signal: AbortSignal) {
      const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderId)}?mchid=${channel.mchid}`;
      const r = await call("GET", path, null, now, signal);
      if (r.status === 404 && codeOf(r) === "ORDER_NOT_EXIST") return null;
      if (r.status !== 200) throw refusal(r);
      const t = transaction.safeParse(r.body);
      if (!t.success) throw new UpstreamError(`${LABEL}：查询应答格式不符`);
      if (t.data.out_trade_no !== orderId || t.data.mchid !== channel.mchid || t.data.appid !== channel.appid)
        throw new UpstreamError(`${LABEL}：查询应答订单号或商户号不符`);
      return t.data;
    }

    function refundOutcome(r: Reply, refundNo: string): RefundOutcome {
      const parsed = refundReply.safeParse(r.body);
      if (!parsed.success || parsed.data.out_refund_no !== refundNo)
        throw new UpstreamError(`${LABEL}：退款应答格式不符`);
      const d = parsed.data;
      const id = d.refund_id !== undefined ? { providerRefundId: d.refund_id } : {};
      switch (d.status) {
        case "SUCCESS":
          return { kind: "succeeded", ...id, ...(d.amount ? { amountFen: d.amount.refund } : {}) };
        case "PROCESSING":
          return { kind: "pending", ...id };
        case "CLOSED":
          return { kind: "failed", reason: "退款已关闭（CLOSED）" };
        default:
          // ABNORMAL: the payer's card or account cannot take the money back; the merchant platform must redirect it.
          return { kind: "failed", reason: `退款异常（${d.status}），请到商户平台处理` };
      }
    }

    return {
      retryAck: RETRY,

      async createPayment(input) {
        if (input.type !== "wxpay") throw new UpstreamError(`${LABEL}：不支持的支付方式 ${input.type}`);
        if (!OUT_NO.test(input.orderId) || input.orderId.length > 32)
          throw new UpstreamError(`${LABEL}：订单号不符合 out_trade_no 规则`);
        const expiresAt = Math.min(input.holdUntil ?? input.now + CODE_URL_TTL_MS, input.now + CODE_URL_TTL_MS);
        const r = await call(
          "POST",
          "/v3/pay/transactions/native",
          {
            appid: channel.appid,
            mchid: channel.mchid,
            description: input.subject.slice(0, 127) || "Paydesk",
            out_trade_no: input.orderId,
            // Past it the code cannot be paid even if the close call at expiry is lost.
            time_expire: wechatTime(expiresAt),
            notify_url: input.notifyUrl,
            amount: { total: input.amountFen, currency: "CNY" },
          },
          input.now,
          input.signal,
        );
        if (r.status !== 200) throw refusal(r);
        const reply = z.looseObject({ code_url: z.string().min(1) }).safeParse(r.body);
        if (!reply.success) throw new UpstreamError(`${LABEL}：下单应答缺少 code_url`);
        return {
          payload: reply.data.code_url,
          payAmountFen: input.amountFen,
          providerOrderId: null,
          expiresAt,
          freeAmount: false,
        };
      },

      async parseNotify(request: NotifyRequest): Promise<NotifyOutcome> {
        const reject = (reason: string): NotifyOutcome => ({ kind: "rejected", reason, ack: REJECT });
        if (request.method !== "POST") return reject("wechat notify must be POST");
        // Verify the signature over the raw body first: nothing in an unverified notify is looked at.
        if (!verify(request.headers, request.rawBody)) return reject("bad or missing Wechatpay-Signature");
        const sentAt = Number(request.headers.get("wechatpay-timestamp")) * 1000;
        const now = request.now ?? Date.now();
        // A genuine notify replayed later carries its old signed timestamp.
        if (!Number.isFinite(sentAt) || Math.abs(now - sentAt) > NOTIFY_CLOCK_WINDOW_MS)
          return reject("wechat notify timestamp outside 5 minutes (replay, or a clock off)");
        let envelope: z.infer<typeof notifyEnvelope>;
        try {
          const parsed = notifyEnvelope.safeParse(JSON.parse(request.rawBody));
          if (!parsed.success) return reject("malformed wechat notify");
          envelope = parsed.data;
        } catch {
          return reject("wechat notify is not JSON");
        }
        const plain = decryptResource(keys.apiv3Key, envelope.resource);
        if (plain === null) return reject("wechat notify resource does not decrypt (APIv3 key?)");
        let resource: unknown;
        try {
          resource = JSON.parse(plain);
        } catch {
          return reject("wechat notify resource is not JSON");
        }
        if (envelope.event_type.startsWith("REFUND.")) {
          const r = z.looseObject({ out_refund_no: z.string(), refund_status: z.string() }).safeParse(resource);
          return {
            kind: "ignored",
            reason: `wechat refund notify ${envelope.event_type} ${r.data?.out_refund_no ?? "?"} ${r.data?.refund_status ?? ""}`,
            ack: ACK,
          };
        }
        if (envelope.event_type !== "TRANSACTION.SUCCESS")
          return { kind: "ignored", reason: `wechat event ${envelope.event_type}`, ack: ACK };
        const t = transaction.safeParse(resource);
        if (!t.success || t.data.transaction_id === undefined || t.data.amount === undefined)
          return reject("malformed wechat transaction");
        if (t.data.trade_state !== "SUCCESS")
          return { kind: "ignored", reason: `wechat trade_state ${t.data.trade_state}`, ack: ACK };
        // Signed by WeChat Pay but for another merchant number or app (a shared notify URL): real money, not
        // provably this order's. Kept for review, linked to no order.
        const foreign = t.data.mchid !== channel.mchid ? "mchid" : t.data.appid !== channel.appid ? "appid" : null;
        const raw = { notify_id: envelope.id, event_type: envelope.event_type, ...t.data };
        return {
          kind: "payment",
          tradeNo: t.data.transaction_id,
          amountFen: t.data.amount.total,
          type: "wxpay",
          match: foreign ? { by: "none" } : { by: "order_id", orderId: t.data.out_trade_no },
          ack: ACK,
          raw: foreign ? { ...raw, review: `${foreign} does not match the channel` } : raw,
        };
      },

      async queryPayment(input): Promise<QueryOutcome> {
        const t = await queryOrder(input.orderId, input.now, input.signal);
        if (t === null || t.trade_state !== "SUCCESS") return { paid: false };
        if (t.transaction_id === undefined || t.amount === undefined)
          throw new UpstreamError(`${LABEL}：查询应答缺少交易号或金额`);
        return {
          paid: true,
          tradeNo: t.transaction_id,
          amountFen: t.amount.total,
          raw: { source: "transactions/out-trade-no", ...t },
        };
      },

      async closePayment(input): Promise<CloseOutcome> {
        const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(input.orderId)}/close`;
        const r = await call("POST", path, { mchid: channel.mchid }, input.now, input.signal);
        if (r.status === 204 || r.status === 200) return { kind: "closed" };
        // A refusal is either "already paid" or something else; the order's state says which.
        const t = await queryOrder(input.orderId, input.now, input.signal);
        if (t === null || t.trade_state === "CLOSED") return { kind: "closed" };
        if (t.trade_state === "SUCCESS" || t.trade_state === "REFUND") return { kind: "paid" };
        throw refusal(r);
      },

      async refund(input): Promise<RefundOutcome> {
        if (!OUT_NO.test(input.refundNo)) throw new UpstreamError(`${LABEL}：退款单号不符合 out_refund_no 规则`);
        const r = await call(
          "POST",
          "/v3/refund/domestic/refunds",
          {
            ...(input.tradeNo ? { transaction_id: input.tradeNo } : { out_trade_no: input.orderId }),
            out_refund_no: input.refundNo,
            ...(input.reason ? { reason: input.reason.slice(0, 80) } : {}),
            amount: { refund: input.amountFen, total: input.totalFen, currency: "CNY" },
          },
          input.now,
          input.signal,
        );
        if (r.status === 200) return refundOutcome(r, input.refundNo);
        // A system error or throttling leaves the refund's fate open: the same out_refund_no is safe to retry.
        if (r.status >= 500 || r.status === 429) return { kind: "pending" };
        // A refusal is acted on (the refund is marked failed) only when WeChat Pay signed it.
        if (!r.verified) throw refusal(r);
        const e = errorBody.safeParse(r.body);
        return {
          kind: "failed",
          reason: e.success ? `${e.data.message ?? "退款失败"}（${e.data.code}）` : `HTTP ${r.status}`,
        };
      },

      async queryRefund(input): Promise<RefundOutcome> {
        const path = `/v3/refund/domestic/refunds/${encodeURIComponent(input.refundNo)}`;
        const r = await call("GET", path, null, input.now, input.signal);
        if (r.status === 200) return refundOutcome(r, input.refundNo);
        if (r.status === 404 && r.verified)
          return { kind: "failed", reason: "微信支付无此退款单（RESOURCE_NOT_EXISTS）" };
        throw refusal(r);
      },
    };
  },
};
