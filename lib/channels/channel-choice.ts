import "server-only";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { PAY_TYPES, type PayType } from "@/lib/pay-types";
import type { ChannelConfig } from "@/lib/providers/registry";
import { shanghaiDayStart } from "@/lib/time/beijing-day";
import { channelBreaker } from "./circuit-breaker";
import { channelsForType, rotate, rulesAllow } from "./select-channel";

/**
 * Which channel takes an order, in one place: the merchant's channels for the wallet, their rules for the price and
 * the hour, the circuit breaker, the provider's own availability (a V免签 monitor app that stopped calling in), then
 * the merchant's rotation (`select-channel.ts`). The order service (`lib/orders/request-code.ts`) asks here for the
 * first channel and for the next one when a channel fails; it answers "none" in its own error terms.
 */

/** The channels of the merchant that pass the rules for this price now and whose breaker is closed. */
function usableChannels(
  ctx: AppContext,
  merchant: Merchant,
  type: PayType,
  priceFen: number,
  now: number,
): ChannelConfig[] {
  if (merchant.disabled_types.includes(type)) return [];
  const breaker = channelBreaker();
  return channelsForType(ctx.config.channels, merchant.channels, type).filter(
    (c) => rulesAllow(c.rules, priceFen, now) && !breaker.isOpen(c.id, now),
  );
}

/** Whether the merchant takes this wallet at all: not disabled, and some channel of its serves it (rules aside). */
export function typeServed(ctx: AppContext, merchant: Merchant, type: PayType): boolean {
  return (
    !merchant.disabled_types.includes(type) && channelsForType(ctx.config.channels, merchant.channels, type).length > 0
  );
}

/**
 * The wallets a payer may choose for this merchant and price right now (the cashier's chooser when a shop sent no
 * type): those with a channel that passes the rules and breaker and whose provider is available now, as in
 * `chooseChannel`.
 */
export async function availableTypes(
  ctx: AppContext,
  merchant: Merchant,
  priceFen: number,
  now: number,
): Promise<PayType[]> {
  const asked = new Map<string, Promise<boolean>>();
  const up = (c: ChannelConfig): Promise<boolean> => {
    let answer = asked.get(c.id);
    if (!answer) {
      answer = Promise.resolve(ctx.provider(c).isAvailable?.(now) ?? true);
      asked.set(c.id, answer);
    }
    return answer;
  };
  const open = await Promise.all(
    PAY_TYPES.map(async (t) =>
      (await Promise.all(usableChannels(ctx, merchant, t, priceFen, now).map(up))).some(Boolean),
    ),
  );
  return PAY_TYPES.filter((_, i) => open[i]);
}

/**
 * Rules, circuit breaker, the provider's own availability, then the merchant's rotation strategy (smart, uniform,
 * random). `exclude` holds channels this order already tried. Null when no channel can take the order now.
 */
export async function chooseChannel(
  ctx: AppContext,
  merchant: Merchant,
  type: PayType,
  priceFen: number,
  now: number,
  exclude: ReadonlySet<string> = new Set(),
): Promise<ChannelConfig | null> {
  const usable = usableChannels(ctx, merchant, type, priceFen, now).filter((c) => !exclude.has(c.id));
  const available = await Promise.all(usable.map((c) => ctx.provider(c).isAvailable?.(now) ?? true));
  const candidates = usable.filter((c, i) => {
    if (!available[i]) ctx.log.warn({ channel: c.id, health: "offline" }, "channel skipped: its monitor is offline");
    return available[i];
  });
  if (candidates.length === 0) return null;
  if (candidates.length === 1) return candidates[0]!;
  const ids = candidates.map((c) => c.id);
  const facts = {
    lastPaidChannel:
      merchant.rotation === "smart" ? await ctx.repos.orders.lastPaidChannel(merchant.appkey) : undefined,
    collectedToday:
      merchant.rotation === "uniform"
        ? await ctx.repos.orders.collectedSince(ids, shanghaiDayStart(now))
        : new Map<string, number>(),
  };
  return rotate(candidates, merchant.rotation, facts, ctx.random);
}
