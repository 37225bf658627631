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
} from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/types";
import { parseUpstreamJson, upstreamText } from "@/lib/providers/upstream-fetch";
import { textAck } from "@/lib/providers/provider-ack";
import { gemafuChannelSchema } from "./config";
import { gemafuSign, type GemafuScalar } from "./gemafu-sign";

const LABEL = "个码付";
/** The platform treats a body of exactly `200` as delivered; anything else is logged on its side and retried. */
const ACK = textAck("200");
const REJECT = textAck("sign error");
const RETRY = textAck("retry", 500);

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** Integers arrive as JSON numbers (docs/providers/gemafu.md#wire-protocol); digit strings are tolerated too. */
const intLike = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,15}$/)]).transform((v) => Number(v));
/** `code` is the string "200" (docs/providers/gemafu.md#wire-protocol); a number is accepted and compared as text. */
const code = z.union([z.string(), z.number()]).transform((v) => String(v));

const envelope = z.looseObject({ code, msg: z.string().optional() });
const placeOrderReply = z.looseObject({
  orderid: intLike,
  m_oid: z.string().optional(),
  money: intLike,
  qr_content: z.string().min(1),
  // Any truthy freecode is a free-amount code, as the SDK reads it (docs/providers/gemafu.md#wire-protocol).
  freecode: scalar.optional(),
  expiration: intLike.optional(),
});
const queryReply = z.looseObject({ status: intLike, money: intLike.optional() });

const notifyEnvelope = z.object({ data: z.record(z.string(), scalar), sign: z.string().min(1) });
const notifyData = z.looseObject({
  orderid: intLike,
  payid: intLike.optional(),
  m_oid: z.string().optional(),
  money: intLike,
});

/**
 * QueryOrder status: 0|1 unpaid, 2 done, 3/4 paid but the platform's notify to us failed
 * (docs/providers/gemafu.md#order-status).
 */
const PAID_STATUSES = new Set([2, 3, 4]);

function truthy(v: GemafuScalar | undefined): boolean {
  return !(v === undefined || v === null || v === false || v === 0 || v === "" || v === "0");
}

/**
 * 个码付 (gemafu): personal WeChat codes. One JSON endpoint, methods in `data.method`, md5 over sorted `key+value`.
 * The platform may ask the payer for a slightly different amount than ordered (`money` ≠ `m_money`), which is the
 * amount its matcher waits for, so it becomes the order's amount to pay.
 */
export const gemafuProvider: ProviderDefinition<typeof gemafuChannelSchema> = {
  schema: gemafuChannelSchema,
  create(channel, deps): PaymentProvider {
    async function call(data: Record<string, GemafuScalar>, signal: AbortSignal): Promise<unknown> {
      const body = JSON.stringify({ data, sign: gemafuSign(data, channel.secret_key) });
      const reply = await upstreamText(deps.fetch, LABEL, channel.base_url, {
        method: "POST",
        headers: { "Content-Type": "application/json; charset=utf-8", Accept: "application/json" },
        body,
        signal,
      });
      const head = parseUpstreamJson(LABEL, reply, envelope);
      // Only 200 carries data; the other codes carry a msg (docs/providers/gemafu.md#wire-protocol).
      if (head.code !== "200") throw new UpstreamError(`${LABEL}：${head.msg ?? `错误码 ${head.code}`}`);
      return head;
    }

    return {
      retryAck: RETRY,

      async createPayment(input) {
        const data: Record<string, GemafuScalar> = {
          method: "PlaceOrder",
          m_id: channel.m_id,
          m_oid: input.orderId,
          m_money: input.amountFen,
          timestamp: Math.floor(input.now / 1000),
          b_url: input.notifyUrl,
          userid: input.payerId,
          appname: channel.appname,
          f_url: input.pageUrl,
        };
        const reply = placeOrderReply.safeParse(await call(data, input.signal));
        if (!reply.success) throw new UpstreamError(`${LABEL}：下单应答缺少字段`);
        const r = reply.data;
        if (r.m_oid !== undefined && r.m_oid !== input.orderId) throw new UpstreamError(`${LABEL}：应答订单号不符`);
        if (r.money <= 0) throw new UpstreamError(`${LABEL}：应答金额无效`);
        return {
          payload: r.qr_content,
          payAmountFen: r.money,
          providerOrderId: String(r.orderid),
          expiresAt: r.expiration ? r.expiration * 1000 : null,
          freeAmount: truthy(r.freecode),
        };
      },

      async parseNotify(request: NotifyRequest): Promise<NotifyOutcome> {
        // The platform POSTs raw JSON, not a form (docs/providers/gemafu.md#wire-protocol); nothing else is it.
        if (request.method !== "POST") return { kind: "rejected", reason: "gemafu notify must be POST", ack: REJECT };
        let json: unknown;
        try {
          json = JSON.parse(request.rawBody);
        } catch {
          return { kind: "rejected", reason: "gemafu notify is not JSON", ack: REJECT };
        }
        const env = notifyEnvelope.safeParse(json);
        if (!env.success) return { kind: "rejected", reason: "malformed gemafu notify", ack: REJECT };
        // Verify over every field received in `data`, before reading any of it.
        if (!signaturesEqual(gemafuSign(env.data.data, channel.secret_key), env.data.sign)) {
          return { kind: "rejected", reason: "bad gemafu sign", ack: REJECT };
        }
        const d = notifyData.safeParse(env.data.data);
        if (!d.success) return { kind: "rejected", reason: "gemafu notify lacks orderid/money", ack: REJECT };
        const amountFen = parseFen(String(d.data.money));
        if (amountFen === null) return { kind: "rejected", reason: "bad gemafu money", ack: REJECT };
        const orderid = String(d.data.orderid);
        return {
          kind: "payment",
          // The trade key is the platform order id, not payid: QueryOrder (reconciliation) reports only a status per
          // orderid, so orderid is the one name both paths share, which makes a notify after a reconciled payment
          // (or the reverse) a duplicate. The platform matches one payment per order, so it is unique per trade.
          tradeNo: orderid,
          amountFen,
          match: { by: "provider_order_id", providerOrderId: orderid },
          ack: ACK,
          raw: env.data.data,
        };
      },

      async queryPayment(input): Promise<QueryOutcome> {
        if (input.providerOrderId === null || !/^\d{1,15}$/.test(input.providerOrderId)) return { paid: false };
        const data: Record<string, GemafuScalar> = {
          method: "QueryOrder",
          m_id: channel.m_id,
          orderid: Number(input.providerOrderId),
          timestamp: Math.floor(input.now / 1000),
        };
        const reply = queryReply.safeParse(await call(data, input.signal));
        if (!reply.success) throw new UpstreamError(`${LABEL}：查询应答缺少 status`);
        if (!PAID_STATUSES.has(reply.data.status)) return { paid: false };
        // QueryOrder carries no amount: the platform only completes an order once it saw its `money`, which is the
        // order's amount to pay. A reply that does name an amount is believed instead.
        return {
          paid: true,
          tradeNo: input.providerOrderId,
          amountFen: reply.data.money ?? input.amountFen,
          raw: { source: "QueryOrder", orderid: input.providerOrderId, status: reply.data.status },
        };
      },
    };
  },
};
