import "server-only";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { PAY_TYPES, type PayType } from "@/lib/pay-types";
import type { ChannelConfig } from "@/lib/providers/registry";
import { shanghaiDayStart } from "@/lib/time/beijing-day";
import { budgetAllows, fitsSingle } from "./channel-budget";
import { channelBreaker } from "./circuit-breaker";
import { channelsForType, rotate, rulesAllow } from "./select-channel";

/**
 * Which channel takes an order, in one place: the merchant's channels for the wallet, their rules for the price and
 * the hour, the circuit breaker, the provider's own availability (a V免签 monitor app that stopped calling in), the
 * channel's budget (`channel-budget.ts`: at its day's limits, resting, or the price above its largest single
 * order), then the merchant's rotation (`select-channel.ts`). The order service (`lib/orders/request-code.ts`)
 * asks here for the first channel and for the next one when a channel fails; it answers "none" in its own error
 * terms.
 */

/**
 * The channels of the merchant that pass the rules for this price now, whose breaker is closed and whose largest
 * single order takes the price.
 */
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
    (c) => rulesAllow(c.rules, priceFen, now) && !breaker.isOpen(c.id, now) && fitsSingle(c, priceFen),
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
 * type): those with a channel that passes the rules and breaker, whose provider is available now and whose budget
 * has room, as in `chooseChannel`.
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
      answer = Promise.resolve(ctx.provider(c).isAvailable?.(now) ?? true).then(
        async (online) => online && (await budgetAllows(ctx, c, priceFen, now)),
      );
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
 * Rules, circuit breaker, the provider's own availability, the channel's budget, then the merchant's rotation
 * strategy (smart, uniform, random). `exclude` holds channels this order already tried. Null when no channel can
 * take the order now.
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
  const online = usable.filter((c, i) => {
    if (!available[i]) ctx.log.warn({ channel: c.id, health: "offline" }, "channel skipped: its monitor is offline");
    return available[i];
  });
  const withinBudget = await Promise.all(online.map((c) => budgetAllows(ctx, c, priceFen, now)));
  const candidates = online.filter((c, i) => {
    if (!withinBudget[i])
      ctx.log.info({ channel: c.id, health: "budget" }, "channel skipped: at its budget or resting");
    return withinBudget[i];
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
