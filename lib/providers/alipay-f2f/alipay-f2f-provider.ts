import "server-only";
import { z } from "zod";
import { formatYuan, parseYuan } from "@/lib/money";
import type {
  CloseOutcome,
  NotifyOutcome,
  NotifyRequest,
  PaymentProvider,
  ProviderDefinition,
  QueryOutcome,
  RefundOutcome,
} from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/types";
import { textAck } from "@/lib/providers/provider-ack";
import { alipayGateway, alipayTime, LABEL, reasonOf, type Envelope } from "./alipay-gateway";
import { alipayF2fChannelSchema } from "./config";

/** Alipay stops re-sending a notify only when the body is exactly `success` (docs/providers/alipay-f2f.md). */
const ACK = textAck("success");
const REJECT = textAck("fail", 400);
/** Anything but `success` makes Alipay come back (4m, 10m, 10m, 1h, 2h, 6h, 15h: 8 tries in 25 h). */
const RETRY = textAck("fail", 500);
/** A precreated code is valid for 2 hours at most; an earlier `time_expire` shortens it. */
const QR_TTL_MS = 2 * 60 * 60 * 1000;
const PAID_STATES = new Set(["TRADE_SUCCESS", "TRADE_FINISHED"]);

const precreateReply = z.looseObject({ out_trade_no: z.string(), qr_code: z.string().min(1) });
const queryReply = z.looseObject({
  out_trade_no: z.string(),
  trade_no: z.string().min(1),
  trade_status: z.string(),
  total_amount: z.string(),
});
const refundReply = z.looseObject({
  trade_no: z.string().optional(),
  out_trade_no: z.string().optional(),
  fund_change: z.string().optional(),
  refund_fee: z.string().optional(),
});
const refundQueryReply = z.looseObject({
  out_request_no: z.string().optional(),
  refund_status: z.string().optional(),
  refund_amount: z.string().optional(),
});
const notifyFields = z.looseObject({
  notify_type: z.string(),
  app_id: z.string(),
  out_trade_no: z.string().min(1).max(64),
  trade_no: z.string().min(1).max(64),
  trade_status: z.string(),
  total_amount: z.string(),
  seller_id: z.string().optional(),
  sign_type: z.literal("RSA2"),
  sign: z.string().min(1),
});

/** The sub codes of a business answer that say what the order's trade is, not that the call failed. */
const TRADE_NOT_EXIST = "ACQ.TRADE_NOT_EXIST";

/**
 * Alipay 当面付 (face-to-face, 扫码支付): `alipay.trade.precreate` gives a `https://qr.alipay.com/…` code the payer
 * scans (or opens in Alipay on a phone); the async notify, `alipay.trade.query`, `alipay.trade.close`,
 * `alipay.trade.refund` and `alipay.trade.fastpay.refund.query` complete it. The maintained `alipay-sdk` package
 * signs requests (RSA2, with app_cert_sn/alipay_root_cert_sn in 公钥证书 mode) and verifies answers and notifies;
 * the HTTP call itself goes through Paydesk's fetch, so timeouts, aborts and UpstreamError work as for every
 * provider (the SDK's own `exec` uses urllib and cannot take an AbortSignal).
 */
export const alipayF2fProvider: ProviderDefinition<typeof alipayF2fChannelSchema> = {
  schema: alipayF2fChannelSchema,
  create(channel, deps): PaymentProvider {
    const { sdk, call } = alipayGateway(channel, deps.fetch);

    const fail = (e: Envelope): never => {
      throw new UpstreamError(`${LABEL}：${reasonOf(e)}`);
    };

    async function queryRefundState(
      orderId: string,
      refundNo: string,
      now: number,
      signal: AbortSignal,
    ): Promise<RefundOutcome> {
      const r = await call(
        "alipay.trade.fastpay.refund.query",
        { out_trade_no: orderId, out_request_no: refundNo, query_options: ["gmt_refund_pay"] },
        now,
        signal,
      );
      if (r.sub_code === TRADE_NOT_EXIST) return { kind: "failed", reason: reasonOf(r) };
      if (r.code !== "10000") return fail(r);
      const q = refundQueryReply.parse(r);
      // The documented rule: a refund exists only when the answer carries it (refund_status, or refund_amount in
      // older answers); a success without it means Alipay never took this out_request_no.
      if (q.refund_status === "REFUND_SUCCESS" || (q.refund_status === undefined && q.refund_amount !== undefined)) {
        const amountFen = q.refund_amount !== undefined ? parseYuan(q.refund_amount) : null;
        return { kind: "succeeded", ...(amountFen !== null ? { amountFen } : {}) };
      }
      return { kind: "failed", reason: "支付宝未受理此退款（查询无此退款单）" };
    }

    return {
      retryAck: RETRY,

      async createPayment(input) {
        if (input.type !== "alipay") throw new UpstreamError(`${LABEL}：不支持的支付方式 ${input.type}`);
        const expiresAt = Math.min(input.holdUntil ?? input.now + QR_TTL_MS, input.now + QR_TTL_MS);
        const r = await call(
          "alipay.trade.precreate",
          {
            out_trade_no: input.orderId,
            total_amount: formatYuan(input.amountFen),
            subject: input.subject.slice(0, 256) || "Paydesk",
            product_code: "FACE_TO_FACE_PAYMENT",
            // The code stops being payable with the order (plus its late grace), even if the close call is lost.
            time_expire: alipayTime(expiresAt),
          },
          input.now,
          input.signal,
          { notifyUrl: input.notifyUrl },
        );
        if (r.code !== "10000") fail(r);
        const reply = precreateReply.safeParse(r);
        if (!reply.success) throw new UpstreamError(`${LABEL}：下单应答缺少 qr_code`);
        if (reply.data.out_trade_no !== input.orderId) throw new UpstreamError(`${LABEL}：应答订单号不符`);
        return {
          payload: reply.data.qr_code,
          payAmountFen: input.amountFen,
          // The trade (and its trade_no) exists only once the code is scanned; everything refers to out_trade_no.
          providerOrderId: null,
          expiresAt,
          freeAmount: false,
        };
      },

      async parseNotify(request: NotifyRequest): Promise<NotifyOutcome> {
        if (request.method !== "POST") return { kind: "rejected", reason: "alipay notify must be POST", ack: REJECT };
        const received = Object.fromEntries(new URLSearchParams(request.rawBody));
        const parsed = notifyFields.safeParse(received);
        if (!parsed.success) return { kind: "rejected", reason: "malformed alipay notify", ack: REJECT };
        // The signature covers every received field but sign and sign_type, values as sent (decoded once).
        if (!sdk.checkNotifySignV2(received)) return { kind: "rejected", reason: "bad alipay sign", ack: REJECT };
        const f = parsed.data;
        const { sign: _sign, ...raw } = received;
        if (f.notify_type !== "trade_status_sync") {
          return { kind: "ignored", reason: `alipay notify_type ${f.notify_type}`, ack: ACK };
        }
        // Refunds re-send the trade's notify with refund fields (trade_status stays TRADE_SUCCESS after a partial
        // refund, TRADE_CLOSED after a full one): not a payment.
        if (received.refund_fee !== undefined || received.gmt_refund !== undefined || received.out_biz_no) {
          return { kind: "ignored", reason: `alipay refund notify for ${f.out_trade_no}`, ack: ACK };
        }
        if (!PAID_STATES.has(f.trade_status)) {
          return { kind: "ignored", reason: `alipay trade_status ${f.trade_status}`, ack: ACK };
        }
        const amountFen = parseYuan(f.total_amount);
        if (amountFen === null) return { kind: "rejected", reason: "bad alipay total_amount", ack: REJECT };
        // Signed by Alipay but for another app or seller (one key pair serving several apps, a copied notify URL):
        // a real payment, just not provably this order's. Kept for review, linked to no order, and acknowledged.
        const foreign =
          f.app_id !== channel.app_id
            ? "app_id"
            : channel.seller_id !== undefined && f.seller_id !== channel.seller_id
              ? "seller_id"
              : null;
        return {
          kind: "payment",
          tradeNo: f.trade_no,
          amountFen,
          type: "alipay",
          match: foreign ? { by: "none" } : { by: "order_id", orderId: f.out_trade_no },
          ack: ACK,
          raw: foreign ? { ...raw, review: `${foreign} does not match the channel` } : raw,
        };
      },

      async queryPayment(input): Promise<QueryOutcome> {
        const r = await call("alipay.trade.query", { out_trade_no: input.orderId }, input.now, input.signal);
        // Not scanned yet: the trade does not exist until the payer opens the code.
        if (r.sub_code === TRADE_NOT_EXIST) return { paid: false };
        if (r.code !== "10000") fail(r);
        const q = queryReply.safeParse(r);
        if (!q.success) throw new UpstreamError(`${LABEL}：查询应答格式不符`);
        if (q.data.out_trade_no !== input.orderId) throw new UpstreamError(`${LABEL}：查询应答订单号不符`);
        if (!PAID_STATES.has(q.data.trade_status)) return { paid: false };
        const amountFen = parseYuan(q.data.total_amount);
        if (amountFen === null) throw new UpstreamError(`${LABEL}：查询应答金额错误`);
        return {
          paid: true,
          tradeNo: q.data.trade_no,
          amountFen,
          raw: { source: "alipay.trade.query", ...q.data },
        };
      },

      async closePayment(input): Promise<CloseOutcome> {
        const r = await call("alipay.trade.close", { out_trade_no: input.orderId }, input.now, input.signal);
        if (r.code === "10000") return { kind: "closed" };
        // Never scanned: there is no trade to close, and time_expire keeps the code from being paid later.
        if (r.sub_code === TRADE_NOT_EXIST) return { kind: "closed" };
        // Paid (or finished) trades cannot be closed.
        if (r.sub_code === "ACQ.TRADE_STATUS_ERROR") return { kind: "paid" };
        return fail(r);
      },

      async refund(input): Promise<RefundOutcome> {
        const r = await call(
          "alipay.trade.refund",
          {
            out_trade_no: input.orderId,
            ...(input.tradeNo ? { trade_no: input.tradeNo } : {}),
            refund_amount: formatYuan(input.amountFen),
            out_request_no: input.refundNo,
            ...(input.reason ? { refund_reason: input.reason.slice(0, 256) } : {}),
          },
          input.now,
          input.signal,
        );
        if (r.code === "10000") {
          const reply = refundReply.parse(r);
          // `fund_change: N` answers a repeated out_request_no (or a refund still settling): the query is what says
          // whether the money moved.
          if (reply.fund_change === "Y") return { kind: "succeeded", amountFen: input.amountFen };
          return queryRefundState(input.orderId, input.refundNo, input.now, input.signal);
        }
        // A system error leaves the refund's fate unknown: the same out_request_no is safe to retry or query.
        if (r.code === "20000" || r.sub_code === "ACQ.SYSTEM_ERROR") return { kind: "pending" };
        return { kind: "failed", reason: reasonOf(r) };
      },

      queryRefund: (input) => queryRefundState(input.orderId, input.refundNo, input.now, input.signal),
    };
  },
};
