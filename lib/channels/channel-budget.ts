import "server-only";
import type { AppContext } from "@/lib/context";
import { budgetZhCN, type BudgetMessages } from "@/lib/i18n/budget-text";
import { fmt } from "@/lib/i18n/locale";
import { parseYuan } from "@/lib/money";
import type { ChannelConfig } from "@/lib/providers/registry";
import { shanghaiDayStart } from "@/lib/time/beijing-day";

/**
 * Channel budgets (docs/contract.md#channel-budgets): a channel's orders and amount per Beijing day, its largest
 * single order, and its rests (after a run of unpaid orders, or after a provider error). Selection
 * (`channel-choice.ts`) skips a channel at its budget or resting like an offline one; the create
 * (`lib/orders/place-order.ts`) takes its slot atomically with `reserveBudget`, so concurrent creates never pass it.
 */

const MINUTE_MS = 60_000;

type BudgetCtx = Pick<AppContext, "repos" | "config" | "now">;

/** A channel's budget in fen and minutes; null fields are not limited. */
export interface BudgetLimits {
  dailyOrders: number | null;
  dailyAmountFen: number | null;
  maxSingleFen: number | null;
  restAfterUnpaid: number | null;
  restMinutes: number;
  restOnProviderError: boolean;
}

/** The channel's budget, or null when it has none. */
export function budgetLimits(channel: ChannelConfig): BudgetLimits | null {
  const b = channel.budget;
  if (!b) return null;
  const fen = (v: string | undefined) => (v === undefined ? null : parseYuan(v));
  return {
    dailyOrders: b.daily_orders ?? null,
    dailyAmountFen: fen(b.daily_amount),
    maxSingleFen: fen(b.max_single),
    restAfterUnpaid: b.rest_after_unpaid ?? null,
    restMinutes: b.rest_minutes,
    restOnProviderError: b.rest_on_provider_error,
  };
}

const countsDays = (l: BudgetLimits | null): l is BudgetLimits =>
  l !== null && (l.dailyOrders !== null || l.dailyAmountFen !== null);
const rests = (l: BudgetLimits | null): l is BudgetLimits =>
  l !== null && (l.restAfterUnpaid !== null || l.restOnProviderError);

/**
 * Whether the channel may rest at all (a payment then ends its rest): a config check, so a payment on a channel
 * without rests writes nothing more.
 */
export function channelMayRest(config: Pick<AppContext["config"], "channels">, channelId: string): boolean {
  return rests(budgetLimitsOf(config, channelId));
}

function budgetLimitsOf(config: Pick<AppContext["config"], "channels">, channelId: string): BudgetLimits | null {
  const channel = config.channels.find((c) => c.id === channelId);
  return channel ? budgetLimits(channel) : null;
}

/** Whether one order of `priceFen` is within the channel's largest single amount (config only, no storage). */
export function fitsSingle(channel: ChannelConfig, priceFen: number): boolean {
  const max = budgetLimits(channel)?.maxSingleFen ?? null;
  return max === null || priceFen <= max;
}

/** A channel's current rest: until when, and why (`unpaid:<n>` or `provider-error:<the provider's words>`). */
export interface Rest {
  until: number;
  reason: string;
}

/**
 * The channel's rest now, if any. `rest_after_unpaid` orders in a row that ran out unpaid (since the channel's last
 * payment or rest) make a rest counted from the last one's expiry, taken here once (a guarded write). Orders expire
 * on the sweeper's pass or on a read of their page, so the run is read from the orders, not counted on either path.
 */
export async function currentRest(ctx: BudgetCtx, channel: ChannelConfig, now: number): Promise<Rest | null> {
  const limits = budgetLimits(channel);
  if (!rests(limits)) return null;
  const row = await ctx.repos.channelBudgets.channelRest(channel.id);
  if (row?.restUntil != null && row.restUntil > now) return { until: row.restUntil, reason: row.restReason ?? "" };
  const n = limits.restAfterUnpaid;
  if (n === null) return null;
  const runSince = row?.runSince ?? 0;
  const run = await ctx.repos.channelBudgets.unpaidExpiriesSince({
    channelId: channel.id,
    since: runSince,
    now,
    limit: n,
  });
  if (run.length < n) return null;
  const rest = { until: run[0]! + limits.restMinutes * MINUTE_MS, reason: `unpaid:${n}` };
  // Also when that rest is already over (nobody asked meanwhile): the run starts over, not one order from a rest.
  await ctx.repos.channelBudgets.restAfterUnpaidRun({ channelId: channel.id, seenRunSince: runSince, now, ...rest });
  return rest.until > now ? rest : null;
}

/**
 * Whether selection may hand the channel an order of `priceFen` now: within the largest single amount, not resting,
 * and today's orders and amount leave room (a read: `reserveBudget` is what holds under concurrency).
 */
export async function budgetAllows(
  ctx: BudgetCtx,
  channel: ChannelConfig,
  priceFen: number,
  now: number,
): Promise<boolean> {
  const limits = budgetLimits(channel);
  if (limits === null) return true;
  if (limits.maxSingleFen !== null && priceFen > limits.maxSingleFen) return false;
  if (await currentRest(ctx, channel, now)) return false;
  if (!countsDays(limits)) return true;
  const used = await ctx.repos.channelBudgets.channelDayUse(channel.id, shanghaiDayStart(now));
  return roomFor(limits, used, priceFen);
}

function roomFor(l: BudgetLimits, used: { orders: number; amountFen: number }, priceFen: number): boolean {
  return (
    (l.dailyOrders === null || used.orders < l.dailyOrders) &&
    (l.dailyAmountFen === null || used.amountFen + priceFen <= l.dailyAmountFen)
  );
}

/** A slot an order holds on a channel's day; `release` gives it back when the order is not made there. */
export interface BudgetHold {
  channelId: string;
  release(): Promise<void>;
}

const NO_HOLD = (channelId: string): BudgetHold => ({ channelId, release: () => Promise.resolve() });

/**
 * Takes one order of `priceFen` on the channel's day under its limits, atomically (one guarded upsert: of two racing
 * creates for the last slot one gets it). Null when the day is full; a hold that releases nothing when the channel
 * counts no days.
 */
export async function reserveBudget(
  ctx: BudgetCtx,
  channel: ChannelConfig,
  priceFen: number,
  now: number,
): Promise<BudgetHold | null> {
  const limits = budgetLimits(channel);
  if (!countsDays(limits)) return NO_HOLD(channel.id);
  const slot = { channelId: channel.id, day: shanghaiDayStart(now), amountFen: priceFen };
  const took = await ctx.repos.channelBudgets.reserveChannelBudget({
    ...slot,
    maxOrders: limits.dailyOrders,
    maxAmountFen: limits.dailyAmountFen,
  });
  if (!took) return null;
  return { channelId: channel.id, release: () => ctx.repos.channelBudgets.releaseChannelBudget(slot) };
}

/** A failed upstream create on a channel set to `rest_on_provider_error`: it rests, with the provider's words. */
export async function restAfterProviderError(
  ctx: BudgetCtx,
  channel: ChannelConfig,
  error: string,
  now: number,
): Promise<void> {
  const limits = budgetLimits(channel);
  if (!limits?.restOnProviderError) return;
  const until = now + limits.restMinutes * MINUTE_MS;
  await ctx.repos.channelBudgets.startRest({ channelId: channel.id, until, reason: `provider-error:${error}`, now });
}

/** A stored rest reason in words (Chinese, as the alerts; the console may use its own dictionary's keys). */
export function restReasonText(
  reason: string,
  t: Pick<BudgetMessages, "budgetRestUnpaid" | "budgetRestProviderError"> = budgetZhCN,
): string {
  if (reason.startsWith("unpaid:")) return fmt(t.budgetRestUnpaid, { n: reason.slice("unpaid:".length) });
  if (reason.startsWith("provider-error:"))
    return fmt(t.budgetRestProviderError, { error: reason.slice("provider-error:".length) });
  return reason;
}

/** What the console's channel health shows of a channel's budget today (Beijing day). */
export interface BudgetStatus {
  ordersToday: number;
  amountTodayFen: number;
  limits: BudgetLimits | null;
  restingUntil: number | null;
  /** The rest's reason in words (`连续 5 笔订单未支付`, `上游出错：…`); null when not resting. */
  restReason: string | null;
  /** The stored reason (`unpaid:<n>`, `provider-error:<words>`): `restReasonText(restCode, budgetEn)` in English. */
  restCode: string | null;
  /** Today's orders or amount reached the budget: selection skips the channel until the next Beijing day. */
  atBudget: boolean;
}

/**
 * A channel's budget today. A channel with day limits reads its counter (what creates reserved); one without reads
 * its orders. Unknown channel ids answer zeros and no limits.
 */
export async function budgetStatus(ctx: BudgetCtx, channelId: string): Promise<BudgetStatus> {
  const now = ctx.now();
  const day = shanghaiDayStart(now);
  const channel = ctx.config.channels.find((c) => c.id === channelId);
  const limits = channel ? budgetLimits(channel) : null;
  const used = countsDays(limits)
    ? await ctx.repos.channelBudgets.channelDayUse(channelId, day)
    : await ctx.repos.channelBudgets.ordersOnChannelSince(channelId, day);
  const rest = channel ? await currentRest(ctx, channel, now) : null;
  const atBudget =
    limits !== null &&
    ((limits.dailyOrders !== null && used.orders >= limits.dailyOrders) ||
      (limits.dailyAmountFen !== null && used.amountFen >= limits.dailyAmountFen));
  return {
    ordersToday: used.orders,
    amountTodayFen: used.amountFen,
    limits,
    restingUntil: rest?.until ?? null,
    restReason: rest ? restReasonText(rest.reason) : null,
    restCode: rest?.reason ?? null,
    atBudget,
  };
}
