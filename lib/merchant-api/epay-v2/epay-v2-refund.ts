import "server-only";
import type { AppContext } from "@/lib/context";
import { formatYuan, parseYuan } from "@/lib/money";
import { findRefund, RefundError, refundOrder, type RefundView } from "@/lib/orders/refunds";
import type { Order } from "@/lib/storage/records";
import type { EpayV2Merchant } from "./epay-v2-auth";
import { EPAY_V2_OK, EpayV2Error } from "./epay-v2-codes";
import { epayV2RefundError } from "./epay-v2-errors";
import { findOrder, shanghaiTime } from "./epay-v2-orders";

/** A refund number the merchant may choose (`out_refund_no`), as the server counts one (more than 5 characters). */
const REFUND_NO = /^[A-Za-z0-9_|*-]{6,64}$/;

function refundFields(order: Order, refund: RefundView, outRefundNo: string) {
  return {
    refund_no: refund.refundNo,
    out_refund_no: outRefundNo,
    trade_no: order.id,
    out_trade_no: order.out_order_id,
    money: formatYuan(refund.amountFen),
  };
}

/**
 * `pay/refund` over the refund service: the checks in the server's order (money, then the order), each refusal in
 * its words (lib/merchant-api/epay/epay-refund-errors.ts). With `out_refund_no` the refund is made once under that
 * number and a repeat answers the same refund; without it every request is a refund of its own, as on the server.
 */
export async function payRefund(ctx: AppContext, merchant: EpayV2Merchant, params: Record<string, string>) {
  const money = (params.money ?? "").trim();
  const amountFen = /^[0-9.]+$/.test(money) ? parseYuan(money) : null;
  if (amountFen === null || amountFen <= 0) throw new EpayV2Error("金额输入错误");
  const order = await findOrder(ctx, merchant, params).catch((err: unknown) => {
    if (err instanceof EpayV2Error && err.message === "订单号不存在") throw new EpayV2Error("当前订单不存在！");
    throw err;
  });
  const outRefundNo = params.out_refund_no ?? "";
  if (outRefundNo !== "" && !REFUND_NO.test(outRefundNo)) throw new EpayV2Error("退款单号(out_refund_no)格式不正确");
  try {
    const refund = await refundOrder(ctx, {
      orderId: order.id,
      ...(outRefundNo ? { refundNo: outRefundNo } : {}),
      amountFen,
      reason: "",
      actor: `api:epay-v2:${merchant.appkey}`,
      mode: "api",
    });
    if (refund.status === "failed") throw new EpayV2Error(`退款失败：${refund.failure ?? "支付渠道拒绝退款"}`);
    const yuan = formatYuan(refund.amountFen);
    const settled = refund.status !== "requested";
    return {
      code: EPAY_V2_OK,
      msg: settled ? `退款成功！退款金额¥${yuan}` : `退款已受理，等待支付渠道确认！退款金额¥${yuan}`,
      ...refundFields(order, refund, outRefundNo || refund.refundNo),
      status: settled ? 1 : 0,
    };
  } catch (err) {
    throw err instanceof RefundError ? epayV2RefundError(err) : err;
  }
}

/**
 * `pay/refundquery` by `refund_no` or `out_refund_no` (the same number at Paydesk: the shop's when it gave one), as the
 * SDKs send it: the number alone. A number is unique within its order, not across the merchant's orders, so when two
 * of its orders have a refund under it the order number (`trade_no` or `out_trade_no`) must come with it; given, it
 * is always honoured.
 */
export async function payRefundQuery(ctx: AppContext, merchant: EpayV2Merchant, params: Record<string, string>) {
  const refundNo = params.refund_no || params.out_refund_no || "";
  if (!refundNo) throw new EpayV2Error("商户退款单号不能为空");
  let orderNo: Record<string, string> = params;
  if (!params.trade_no && !params.out_trade_no) {
    const found = await ctx.repos.refunds.findRefundsByMerchantNo(merchant.appkey, refundNo, 2);
    if (found.length === 0) throw new EpayV2Error("退款记录不存在");
    if (found.length > 1) throw new EpayV2Error("该退款单号对应多笔订单，请同时提供订单号（trade_no 或 out_trade_no）");
    orderNo = { trade_no: found[0]!.order_id };
  }
  const order = await findOrder(ctx, merchant, orderNo).catch((err: unknown) => {
    if (err instanceof EpayV2Error) throw new EpayV2Error("退款记录不存在");
    throw err;
  });
  const refund = await findRefund(ctx, order.id, refundNo);
  if (!refund) throw new EpayV2Error("退款记录不存在");
  return {
    code: EPAY_V2_OK,
    msg: "success",
    ...refundFields(order, refund, refund.refundNo),
    // The server's 1 = refunded, 0 = not (yet); Paydesk's own state beside it.
    status: refund.status === "succeeded" || refund.status === "recorded" ? 1 : 0,
    refund_status: refund.status,
    addtime: shanghaiTime(refund.createdAt),
    endtime: refund.status === "requested" ? "" : shanghaiTime(refund.updatedAt),
  };
}
