import "server-only";
import type { ChannelConfig } from "@/lib/providers/registry";
import { findChannel } from "@/lib/config/find";
import type { AppContext } from "@/lib/context";
import type { PaymentProvider } from "@/lib/providers/types";
import { observeProviderCall } from "@/lib/metrics";
import { withTimeout } from "@/lib/with-timeout";
import { processSingleton } from "@/lib/process-state";
import { applyPayment, type ApplyResult } from "./apply-payment";
import type { Order } from "@/lib/storage/records";

/**
 * Reconciliation: for a pending order, ask its provider (when it can be asked) whether it was paid, in case the
 * provider's notify never reached us. Providers blacklist callers that poll them (PAYJS says so outright), so each
 * order is asked at most once per RECONCILE_INTERVAL_MS by all instances together (a claim on the order row), and
 * concurrent callers in one process share one request (an in-memory map that also spares the database the claim).
 * A paid answer goes through applyPayment with the same channel and trade number a notify would carry, so whichever
 * of the two arrives second is a duplicate.
 */

export const RECONCILE_INTERVAL_MS = 10_000;
/** How long a page view waits for a reconciliation before answering with what it has. */
export const VIEW_WAIT_MS = 2_000;
/** Above this many tracked orders, entries whose interval has passed are dropped (they would be re-asked anyway). */
const PRUNE_ABOVE = 1_000;

export type ReconcileResult =
  | { outcome: "skipped"; reason: "not_pending" | "unknown_channel" | "no_query" | "throttled" }
  | { outcome: "unpaid" }
  | { outcome: "paid"; apply: ApplyResult };

interface Entry {
  askedAt: number;
  inFlight: Promise<ReconcileResult> | null;
}

// Per process: single-flight and a cheap first filter; the database claim is what holds across instances.
function entries(): Map<string, Entry> {
  return processSingleton("reconcile", () => new Map<string, Entry>());
}

function prune(map: Map<string, Entry>, now: number): void {
  if (map.size <= PRUNE_ABOVE) return;
  for (const [id, e] of map) if (!e.inFlight && now - e.askedAt >= RECONCILE_INTERVAL_MS) map.delete(id);
}

async function ask(
  ctx: AppContext,
  channel: ChannelConfig,
  provider: PaymentProvider,
  order: Order,
  now: number,
): Promise<ReconcileResult> {
  const query = provider.queryPayment;
  if (!query) return { outcome: "skipped", reason: "no_query" };
  const timeoutMs = channel.timeout_ms ?? ctx.config.upstreamTimeoutMs;
  const started = performance.now();
  const answer = await withTimeout(
    timeoutMs,
    (signal) =>
      query({
        orderId: order.id,
        providerOrderId: order.provider_order_id,
        amountFen: order.pay_amount_fen,
        now,
        signal,
      }),
    () => new Error(`reconciliation query timed out after ${timeoutMs} ms`),
  ).catch((err: unknown) => {
    observeProviderCall(channel.id, "query", (performance.now() - started) / 1000, false);
    throw err;
  });
  observeProviderCall(channel.id, "query", (performance.now() - started) / 1000, true);
  if (!answer.paid) return { outcome: "unpaid" };
  const apply = await applyPayment(ctx, {
    channelId: channel.id,
    tradeNo: answer.tradeNo,
    amountFen: answer.amountFen,
    match: { by: "order_id", orderId: order.id },
    raw: { ...answer.raw, via: "reconcile" },
  });
  ctx.log.info(
    { orderId: order.id, channel: channel.id, tradeNo: answer.tradeNo, ...apply },
    "reconciled payment recorded",
  );
  return { outcome: "paid", apply };
}

/** Asks the provider about one pending order, rate-limited and single-flight per order. May reject on upstream errors. */
export async function reconcileOrder(ctx: AppContext, order: Order): Promise<ReconcileResult> {
  if (order.status !== "pending") return { outcome: "skipped", reason: "not_pending" };
  const channel = findChannel(ctx.config, order.channel_id);
  if (!channel) return { outcome: "skipped", reason: "unknown_channel" };
  const provider = ctx.provider(channel);
  if (!provider.queryPayment) return { outcome: "skipped", reason: "no_query" };

  // Everything from here to the map write runs synchronously, so concurrent callers see each other's entry.
  const map = entries();
  const now = ctx.now();
  const existing = map.get(order.id);
  if (existing?.inFlight) return existing.inFlight;
  if (existing && now - existing.askedAt < RECONCILE_INTERVAL_MS) return { outcome: "skipped", reason: "throttled" };
  prune(map, now);
  const entry: Entry = { askedAt: now, inFlight: null };
  const claimAndAsk = async (): Promise<ReconcileResult> => {
    if (!(await ctx.repos.orders.claimReconcileSlot(order.id, now, RECONCILE_INTERVAL_MS)))
      return { outcome: "skipped", reason: "throttled" };
    return ask(ctx, channel, provider, order, now);
  };
  const inFlight = claimAndAsk().finally(() => {
    entry.inFlight = null;
  });
  entry.inFlight = inFlight;
  map.set(order.id, entry);
  return inFlight;
}

/**
 * For page views: reconciles without ever failing the view and without waiting more than `maxWaitMs` (a slow query
 * keeps running and lands for a later poll). True when the provider reported the order paid (re-read it).
 */
export async function reconcileForView(ctx: AppContext, order: Order, maxWaitMs = VIEW_WAIT_MS): Promise<boolean> {
  const attempt = reconcileOrder(ctx, order).then(
    (r) => r.outcome === "paid",
    (err: unknown) => {
      ctx.log.warn({ err, orderId: order.id }, "reconciliation failed");
      return false;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), maxWaitMs);
  });
  try {
    return await Promise.race([attempt, waited]);
  } finally {
    clearTimeout(timer);
  }
}

/** Forgets every order's last-asked time (tests). */
export function resetReconcileState(): void {
  entries().clear();
}
