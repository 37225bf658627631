import "server-only";
import { z } from "zod";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { sha256Hex } from "@/lib/crypto/digest";
import { formatYuan, parseYuan } from "@/lib/money";
import {
  findRefund,
  paidFenOf,
  RefundError,
  refundOrder,
  refundsOf,
  refundTotals,
  type RefundView,
} from "@/lib/orders/refunds";
import type { Order } from "@/lib/storage/records";
import { printable } from "@/lib/text/printable";
import { CloudpayCode, CloudpayError } from "./cloudpay-codes";
import { assertSigned, signedMerchant } from "./cloudpay-signed";
import { cloudpayRefundErrorFor } from "./cloudpay-refund-errors";
import { merchantSign } from "./cloudpay-sign";

/*
 * Paydesk's refund endpoints on the 云端 API (docs/protocols/cloudpay.md#refund), its own extension: the vendor's
 * protocol has none. Like close and records they sign an action word first, so no other message of the protocol is
 * also a valid refund.
 */

/** Refund: `md5(md5("refund" + appkey + out_order_id + refund_no + amount) + appsecret)`. */
export function refundSign(
  p: { appkey: string; out_order_id: string; refund_no: string; amount: string },
  appsecret: string,
): string {
  return merchantSign(["refund", p.appkey, p.out_order_id, p.refund_no, p.amount], appsecret);
}

/** Refund query: `md5(md5("refundquery" + appkey + out_order_id + refund_no) + appsecret)`. */
export function refundQuerySign(p: { appkey: string; out_order_id: string; refund_no: string }, appsecret: string) {
  return merchantSign(["refundquery", p.appkey, p.out_order_id, p.refund_no], appsecret);
}

/** The `data` of a refund answer: the refund, and the order's paid, refunded and remaining amounts. */
export interface RefundData {
  order_id: string;
  out_order_id: string;
  refund_no: string;
  amount: string;
  /** `requested` (the platform has it, not settled yet: query again), `succeeded`, `failed` or `recorded`. */
  status: RefundView["status"];
  reason: string;
  provider_refund_id: string | null;
  failure: string | null;
  /** Unix seconds. */
  created_at: number;
  updated_at: number;
  paid: string;
  refunded: string;
  remaining: string;
}

/** The refund number a shop chooses: the official platforms' rule for theirs (6–64 of `[A-Za-z0-9_|*-]`). */
const refundNo = z.string().regex(/^[A-Za-z0-9_|*-]{6,64}$/);
const lookupSchema = z.object({ out_order_id: printable(128).pipe(z.string().min(1)), refund_no: refundNo });
const refundSchema = lookupSchema.extend({ amount: z.string().min(1).max(16) });

function parsed<T extends z.ZodType>(schema: T, params: Record<string, string>): z.infer<T> {
  const result = schema.safeParse(params);
  if (!result.success) {
    const field = result.error.issues[0]?.path[0];
    throw new CloudpayError(CloudpayCode.PARAM_MISSING, typeof field === "string" ? field : undefined);
  }
  return result.data;
}

/**
 * Who holds a refund request's signature: 24 characters (the column holds order ids), from the request's own fields,
 * prefixed so it can never be an order id a create's claim would mistake it for (those are 24 base62 characters
 * with no `~`).
 */
function refundClaimHolder(orderId: string, refundNo: string, amount: string): string {
  return `~r${sha256Hex(`${orderId}\n${refundNo}\n${amount}`).slice(0, 22)}`;
}

async function paidOrderOf(ctx: AppContext, merchant: Merchant, outOrderId: string): Promise<Order> {
  const order = await ctx.repos.orders.findOrderByMerchantRef(merchant.appkey, outOrderId);
  if (!order || order.status === "creating") throw new CloudpayError(CloudpayCode.UNKNOWN, "订单不存在");
  return order;
}

async function refundData(ctx: AppContext, order: Order, refund: RefundView): Promise<RefundData> {
  const totals = refundTotals(paidFenOf(order), await refundsOf(ctx, order.id));
  return {
    order_id: order.id,
    out_order_id: order.out_order_id,
    refund_no: refund.refundNo,
    amount: formatYuan(refund.amountFen),
    status: refund.status,
    reason: refund.reason,
    provider_refund_id: refund.providerRefundId,
    failure: refund.failure,
    created_at: Math.floor(refund.createdAt / 1000),
    updated_at: Math.floor(refund.updatedAt / 1000),
    paid: formatYuan(totals.paidFen),
    refunded: formatYuan(totals.refundedFen),
    remaining: formatYuan(Math.max(0, totals.netFen)),
  };
}

/**
 * `POST /api/cloudpay/refund` (`appkey`, `out_order_id`, `refund_no`, `amount`, `sign`): refunds part or all of a
 * paid order through its channel, once per (order, refund_no): the same request again answers the same refund. A
 * refund the platform refused is 199 `未知错误: 退款失败: …` (the query then shows it `failed`).
 */
export async function refundOrderApi(ctx: AppContext, params: Record<string, string>): Promise<RefundData> {
  const merchant = signedMerchant(ctx, params);
  const p = parsed(refundSchema, params);
  await assertSigned(
    ctx,
    refundSign(
      { appkey: merchant.appkey, out_order_id: p.out_order_id, refund_no: p.refund_no, amount: p.amount },
      merchant.appsecret,
    ),
    params.sign,
  );
  const amountFen = parseYuan(p.amount);
  if (amountFen === null || amountFen <= 0) throw cloudpayRefundErrorFor(new RefundError("amount-invalid"));
  const order = await paidOrderOf(ctx, merchant, p.out_order_id);
  // One signature, one refund request: the signed string has no separators, so `…R1` + `15.00` and `…R11` + `5.00`
  // share a signature. It is claimed like a create's (request_signatures), held by this exact request (order,
  // refund_no, amount): the same request again holds it already, any other split of the string is refused.
  const holder = refundClaimHolder(order.id, p.refund_no, p.amount);
  const held = await ctx.repos.signatures.claimRequestSignature({
    appkey: merchant.appkey,
    sign: params.sign ?? "",
    orderId: holder,
    now: ctx.now(),
  });
  if (held !== holder) throw new CloudpayError(CloudpayCode.SIGN_INVALID, "该签名已用于另一笔退款请求");
  let refund: RefundView;
  try {
    refund = await refundOrder(ctx, {
      orderId: order.id,
      refundNo: p.refund_no,
      amountFen,
      reason: "",
      actor: `api:cloudpay:${merchant.appkey}`,
      mode: "api",
    });
  } catch (err) {
    if (err instanceof RefundError) throw cloudpayRefundErrorFor(err);
    throw err;
  }
  if (refund.status === "failed")
    throw new CloudpayError(CloudpayCode.UNKNOWN, `退款失败: ${refund.failure ?? "支付渠道拒绝退款"}`);
  return refundData(ctx, order, refund);
}

/**
 * `GET|POST /api/cloudpay/refund/query` (`appkey`, `out_order_id`, `refund_no`, `sign`): one refund of one of the
 * merchant's orders, in any state. Unknown refund: 199 `未知错误: 退款不存在`.
 */
export async function queryRefundApi(ctx: AppContext, params: Record<string, string>): Promise<RefundData> {
  const merchant = signedMerchant(ctx, params);
  const p = parsed(lookupSchema, params);
  await assertSigned(
    ctx,
    refundQuerySign(
      { appkey: merchant.appkey, out_order_id: p.out_order_id, refund_no: p.refund_no },
      merchant.appsecret,
    ),
    params.sign,
  );
  const order = await paidOrderOf(ctx, merchant, p.out_order_id);
  const refund = await findRefund(ctx, order.id, p.refund_no);
  if (!refund) throw new CloudpayError(CloudpayCode.UNKNOWN, "退款不存在");
  return refundData(ctx, order, refund);
}
