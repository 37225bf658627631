import "server-only";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { channelsForType, rotate, rulesAllow, shanghaiDayStart } from "@/lib/channels/select-channel";
import type { Merchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { MerchantCode, MerchantError } from "@/lib/merchant-protocol/codes";
import type { PayType } from "@/lib/pay-types";

/** Rules, circuit breaker, then the merchant's rotation strategy (PROTOCOLS §1.6). */
export async function selectChannel(ctx: AppContext, merchant: Merchant, type: PayType, priceFen: number, now: number) {
  const breaker = channelBreaker();
  const candidates = channelsForType(ctx.config.channels, merchant.channels, type).filter(
    (c) => rulesAllow(c.rules, priceFen, now) && !breaker.isOpen(c.id, now),
  );
  if (candidates.length === 0) throw new MerchantError(MerchantCode.NO_CHANNEL);
  if (candidates.length === 1) return candidates[0]!;
  const ids = candidates.map((c) => c.id);
  const facts = {
    lastPaidChannel: merchant.rotation === "smart" ? await ctx.repos.orders.lastPaidChannel(merchant.appkey) : undefined,
    collectedToday: merchant.rotation === "uniform" ? await ctx.repos.orders.collectedSince(ids, shanghaiDayStart(now)) : new Map<string, number>(),
  };
  return rotate(candidates, merchant.rotation, facts, ctx.random);
}
