import "server-only";
import type { AppContext } from "@/lib/context";
import { shanghaiDayStart } from "@/lib/time/beijing-day";

const DAY_MS = 86_400_000;

/**
 * The order counts of both epay flavours' merchant info (V1 `act=query`, V2 `merchant/info`,
 * docs/protocols/epay.md#merchant-info): all the merchant's orders, and the paid orders created on this and the
 * previous Beijing day, as the server counts them.
 */
export async function epayMerchantCounts(
  ctx: AppContext,
  appkey: string,
): Promise<{ orders: number; orders_today: number; orders_lastday: number }> {
  const today = shanghaiDayStart(ctx.now());
  const paidBetween = (from: number, to: number) => ctx.repos.orders.countPaidOrdersCreatedBetween(appkey, from, to);
  return {
    orders: await ctx.repos.orders.countOrdersSince(appkey, 0),
    orders_today: await paidBetween(today, today + DAY_MS),
    orders_lastday: await paidBetween(today - DAY_MS, today),
  };
}
