import "server-only";
import type { AppContext } from "@/lib/context";
import { epayMerchantCounts } from "@/lib/merchant-api/epay-merchant-counts";
import { listEpayOrderPage } from "@/lib/merchant-api/epay-order-list";
import { closeMerchantOrder } from "@/lib/orders/close-on-expiry";
import { signedAnswer, type EpayV2Fields } from "./epay-v2-answer";
import { authenticateEpayV2, type EpayV2Merchant } from "./epay-v2-auth";
import { EPAY_V2_OK, EpayV2Error } from "./epay-v2-codes";
import { payCreate } from "./epay-v2-create";
import { findOrder, orderFields, withoutEmpty } from "./epay-v2-orders";
import { payRefund, payRefundQuery } from "./epay-v2-refund";

async function payQuery(ctx: AppContext, merchant: EpayV2Merchant, params: Record<string, string>) {
  const order = await findOrder(ctx, merchant, params);
  return { code: EPAY_V2_OK, msg: "success", ...withoutEmpty(await orderFields(ctx, merchant, order)) };
}

/**
 * `pay/close`: a pending order is closed, on an official channel its trade upstream first (closeMerchantOrder, as
 * 云端's close), so the code cannot be paid after the order says closed; one closed already answers success again; a
 * paid one (possibly found paid by the platform when asked to close, and credited) cannot be.
 */
async function payClose(ctx: AppContext, merchant: EpayV2Merchant, params: Record<string, string>) {
  const order = await findOrder(ctx, merchant, params);
  const result = await closeMerchantOrder(ctx, order);
  if (result.kind === "not-closable")
    throw new EpayV2Error(result.status === "paid" ? "订单已支付，不能关闭" : "订单已过期或不可关闭");
  // The platform could not be reached: the order stays pending (still payable there), the shop may try again.
  if (result.kind === "upstream-failed") throw new EpayV2Error("支付平台暂时无法关闭该订单，请稍后重试");
  return { code: EPAY_V2_OK, msg: "订单关闭成功", trade_no: order.id, out_trade_no: order.out_order_id };
}

/**
 * `merchant/info`: the V1 `act=query` fields but the key (V2 has none to echo). Paydesk holds no balance and settles
 * nothing: `money` "0.00", `type` 0, `account` empty (docs/protocols/epay.md#merchant-info).
 */
async function merchantInfo(ctx: AppContext, merchant: EpayV2Merchant) {
  const counts = await epayMerchantCounts(ctx, merchant.appkey);
  return {
    code: EPAY_V2_OK,
    msg: "查询商户信息成功！",
    pid: merchant.epay_v2.pid,
    status: 1,
    money: "0.00",
    type: 0,
    account: "",
    username: merchant.name,
    ...counts,
  };
}

/** `merchant/orders`: a page of orders newest first, as V1's `act=orders` (limit 10 by default, at most 50). */
async function merchantOrders(ctx: AppContext, merchant: EpayV2Merchant, params: Record<string, string>) {
  const orders = await listEpayOrderPage(ctx, merchant.appkey, params, (message) => new EpayV2Error(message));
  const data = await Promise.all(orders.map((o) => orderFields(ctx, merchant, o)));
  return { code: EPAY_V2_OK, msg: "查询订单记录成功！", count: data.length, data };
}

/** The signed V2 actions by their path (`/api/{group}/{name}`); `pay/submit` is the page (./epay-v2-submit). */
export const EPAY_V2_ACTIONS = {
  "pay/create": payCreate,
  "pay/query": payQuery,
  "pay/close": payClose,
  "pay/refund": payRefund,
  "pay/refundquery": payRefundQuery,
  "merchant/info": (ctx: AppContext, merchant: EpayV2Merchant) => merchantInfo(ctx, merchant),
  "merchant/orders": merchantOrders,
} as const;

export type EpayV2Action = keyof typeof EPAY_V2_ACTIONS;

/** One signed V2 action: authenticate, act, sign the answer with the platform key. */
export async function epayV2Api(
  ctx: AppContext,
  action: EpayV2Action,
  params: Record<string, string>,
): Promise<EpayV2Fields> {
  const merchant = await authenticateEpayV2(ctx, params);
  return signedAnswer(ctx, await EPAY_V2_ACTIONS[action](ctx, merchant, params));
}
