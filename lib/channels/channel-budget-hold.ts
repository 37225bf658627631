import "server-only";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import type { PayType } from "@/lib/pay-types";
import type { ChannelConfig } from "@/lib/providers/registry";
import { reserveBudget, restAfterProviderError, type BudgetHold } from "./channel-budget";
import { chooseChannel } from "./channel-choice";
import { channelBreaker } from "./circuit-breaker";

/**
 * The create's side of channel budgets (docs/contract.md#channel-budgets): a chosen channel with its day's slot
 * taken, the slot moved when the order falls back to another channel, and rests after provider errors.
 */

/** A channel for the order with its budget slot held; null when none can take it now (skipped like offline). */
export async function chooseAndHold(
  ctx: AppContext,
  merchant: Merchant,
  type: PayType,
  priceFen: number,
  now: number,
): Promise<{ channel: ChannelConfig; hold: BudgetHold } | null> {
  const skip = new Set<string>();
  for (;;) {
    const channel = await chooseChannel(ctx, merchant, type, priceFen, now, skip);
    if (!channel) return null;
    const hold = await reserveBudget(ctx, channel, priceFen, now);
    if (hold) return { channel, hold };
    // Selection read room, but a concurrent create took the last slot first: the next channel, as if at budget.
    skip.add(channel.id);
    ctx.log.info({ channel: channel.id, health: "budget" }, "channel skipped: its last budget slot was just taken");
  }
}

/**
 * The order falls back to `next` (the held channel failed or was full): takes `next`'s slot, then gives the old one
 * back. Null when `next` filled up since it was chosen (the caller ends the create: no channel has room).
 */
export async function moveHold(
  ctx: AppContext,
  held: BudgetHold,
  next: ChannelConfig,
  priceFen: number,
  now: number,
): Promise<BudgetHold | null> {
  const hold = await reserveBudget(ctx, next, priceFen, now);
  if (hold) await held.release();
  return hold;
}

/**
 * Channels that failed this create: those whose breaker noted an upstream failure since `since` (a channel only
 * full is not a provider error) rest when their budget says `rest_on_provider_error`, with the provider's words.
 */
export async function restFailedChannels(
  ctx: AppContext,
  failed: readonly ChannelConfig[],
  since: number,
): Promise<void> {
  const breaker = channelBreaker();
  const now = ctx.now();
  for (const channel of failed) {
    if (!channel.budget?.rest_on_provider_error) continue;
    const at = breaker.lastErrorAt(channel.id);
    if (at === null || at < since) continue;
    await restAfterProviderError(ctx, channel, breaker.state(channel.id, now).lastError ?? "", now);
  }
}
