import "server-only";
import { shanghaiDayStart } from "@/lib/time/beijing-day";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { OrderError } from "./order-errors";

/**
 * Takes one of the merchant's orders for today (Asia/Shanghai) under `daily_order_limit`, atomically: concurrent
 * creates can never exceed it (the old count-then-insert could). Throws `quota-exceeded` when the day is full. Returns the undo
 * for a create that ends without an order (lost race, no channel, upstream failure).
 */
export async function reserveDailyOrder(
  ctx: AppContext,
  merchant: Merchant,
  now: number,
): Promise<() => Promise<void>> {
  const limit = merchant.daily_order_limit;
  if (limit === undefined) return () => Promise.resolve();
  const day = shanghaiDayStart(now);
  if (!(await ctx.repos.dailyCounts.reserveDailyOrder(merchant.appkey, day, limit)))
    throw new OrderError("quota-exceeded");
  return () => ctx.repos.dailyCounts.releaseDailyOrder(merchant.appkey, day);
}
