import "server-only";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { formatYuan, parseYuan } from "@/lib/money";
import { RefundError, refundOrder } from "@/lib/orders/refunds";
import type { Order } from "@/lib/storage/records";
import { epayRefundFailureFor, type EpayRefundFailure } from "./epay-refund-errors";

/** The 彩虹易支付 server's success code for a refund (docs/protocols/epay.md#refund): 0, not api.php's usual 1. */
export const EPAY_REFUND_OK = 0;

/** api.php's refund success (docs/protocols/epay.md#refund). */
export interface EpayRefundAnswer {
  code: typeof EPAY_REFUND_OK;
  msg: string;
  refund_no: string;
  out_refund_no: string;
  trade_no: string;
  out_trade_no: string;
  /** The refunded amount, two decimals. */
  money: string;
  /** Paydesk's: `succeeded`, or `requested` while the platform has accepted but not settled it. */
  status: "succeeded" | "requested";
}

/** A refund number the merchant may choose (V2's `out_refund_no`): the official platforms' rule for theirs. */
const REFUND_NO = /^[A-Za-z0-9_|*-]{6,64}$/;

async function orderOf(ctx: AppContext, merchant: Merchant, params: Record<string, string>) {
  let found: Order | undefined;
  if (params.trade_no) found = await ctx.repos.orders.findOrderById(params.trade_no);
  else if (params.out_trade_no)
    found = await ctx.repos.orders.findOrderByMerchantRef(merchant.appkey, params.out_trade_no);
  else return { failure: { code: -4, msg: "订单号不能为空" } };
  // Another merchant's order is "not found", never "not yours".
  if (!found || found.appkey !== merchant.appkey || found.status === "creating")
    return { failure: { code: -1, msg: "当前订单不存在！" } };
  return { order: found };
}

/**
 * `api.php?act=refund` (POST `pid`, `key`, `trade_no` or `out_trade_no`, `money`), after api.php checked the key:
 * the checks in the 彩虹易支付 server's order (money, then the order number), then the refund service. Like that
 * server, each request is a refund of its own (V1 carries no refund number): two equal partial refunds are two
 * refunds. A request carrying `out_refund_no` (V2's field) is refunded once under that number instead.
 */
export async function epayRefund(
  ctx: AppContext,
  merchant: Merchant,
  params: Record<string, string>,
  method: string | undefined,
): Promise<EpayRefundAnswer | EpayRefundFailure> {
  // A refund moves money: never from a link or a crawler's GET (the server reads these fields from POST only).
  if (method !== "POST") return { code: -1, msg: "退款请使用 POST 请求" };
  const money = (params.money ?? "").trim();
  const amountFen = /^[0-9.]+$/.test(money) ? parseYuan(money) : null;
  if (amountFen === null) return { code: -1, msg: "金额输入错误" };
  const found = await orderOf(ctx, merchant, params);
  if (found.failure) return found.failure;
  const order = found.order;
  const outRefundNo = params.out_refund_no ?? "";
  if (outRefundNo !== "" && !REFUND_NO.test(outRefundNo)) return { code: -1, msg: "退款单号格式不正确" };
  try {
    const refund = await refundOrder(ctx, {
      orderId: order.id,
      ...(outRefundNo ? { refundNo: outRefundNo } : {}),
      amountFen,
      reason: "",
      actor: `api:epay:${merchant.appkey}`,
      mode: "api",
    });
    const yuan = formatYuan(refund.amountFen);
    if (refund.status === "failed") return { code: -1, msg: `退款失败：${refund.failure ?? "支付渠道拒绝退款"}` };
    const settled = refund.status !== "requested";
    return {
      code: EPAY_REFUND_OK,
      msg: settled ? `退款成功！退款金额¥${yuan}` : `退款已受理，等待支付渠道确认！退款金额¥${yuan}`,
      refund_no: refund.refundNo,
      out_refund_no: outRefundNo || refund.refundNo,
      trade_no: order.id,
      out_trade_no: order.out_order_id,
      money: yuan,
      status: settled ? "succeeded" : "requested",
    };
  } catch (err) {
    if (err instanceof RefundError) return epayRefundFailureFor(err);
    throw err;
  }
}
