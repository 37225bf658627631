import "server-only";
import type { AppContext } from "@/lib/context";
import { formatYuan } from "@/lib/money";
import { loadOrderForRead } from "@/lib/orders/order-views";
import { refundTotalsOf } from "@/lib/orders/refunds";
import { SHANGHAI_OFFSET_MS } from "@/lib/time/beijing-day";
import type { Order } from "@/lib/storage/records";
import type { EpayV2Merchant } from "./epay-v2-auth";
import { EpayV2Error } from "./epay-v2-codes";

/** `Y-m-d H:i:s` in Asia/Shanghai (UTC+8, no daylight saving), the platform's time format. */
export function shanghaiTime(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** The merchant's order by `trade_no` or `out_trade_no`. */
export async function findOrder(
  ctx: AppContext,
  merchant: EpayV2Merchant,
  params: Record<string, string>,
): Promise<Order> {
  let found: Order | undefined;
  if (params.trade_no) found = await loadOrderForRead(ctx, params.trade_no);
  else if (params.out_trade_no) {
    const byRef = await ctx.repos.orders.findOrderByMerchantRef(merchant.appkey, params.out_trade_no);
    found = byRef ? await loadOrderForRead(ctx, byRef.id) : undefined;
  } else throw new EpayV2Error("订单号不能为空");
  // Another merchant's order is "not found", never "not yours".
  if (!found || found.appkey !== merchant.appkey || found.status === "creating") throw new EpayV2Error("订单号不存在");
  return found;
}

/** One order in the server's query words (`status` 1 = paid, 0 = not paid); empty fields are left out there. */
export async function orderFields(ctx: AppContext, merchant: EpayV2Merchant, order: Order) {
  const totals = await refundTotalsOf(ctx.repos, order);
  return {
    trade_no: order.id,
    out_trade_no: order.out_order_id,
    type: order.type ?? "",
    pid: merchant.epay_v2.pid,
    addtime: shanghaiTime(order.created_at),
    endtime: order.paid_at === null ? "" : shanghaiTime(order.paid_at),
    name: order.name,
    money: formatYuan(order.price_fen),
    param: order.custom,
    status: order.status === "paid" ? 1 : 0,
    refundmoney: totals.refundedFen > 0 ? formatYuan(totals.refundedFen) : "",
  };
}

export function withoutEmpty<T extends Record<string, string | number>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== "")) as Partial<T>;
}
