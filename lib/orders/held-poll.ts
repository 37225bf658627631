import "server-only";
import type { AppContext } from "@/lib/context";
import { liveOrdersFor } from "@/lib/events/live-orders";
import type { Order } from "@/lib/storage/records";
import { effectiveStatus } from "./lifecycle";
import { nextChangeIn, publicViewOf } from "./order-views";
import type { PublicOrderView } from "./public-order-view";
import { RECONCILE_INTERVAL_MS, reconcileOrder } from "./reconcile";

/**
 * The longest a held poll is held, whatever `wait` asks (docs/protocols/cloudpay.md#held-poll): below common 60 s proxy
 * idle timeouts.
 */
export const MAX_HOLD_SECONDS = 30;

/** A held poll's parameters: the status the page shows and how long it may wait for another. */
export interface HoldRequest {
  status: string;
  waitMs: number;
}

/**
 * Whether the view differs from what the page shows. `paid` means "paid, no way back to the shop yet": the same
 * order with its `return_url` (the shop acknowledged, or its 10 s are up) is a change, so the page goes back at once;
 * so is `settled` (the same moment for an order with no page to go back to).
 */
export function differsFrom(view: PublicOrderView, status: string): boolean {
  return view.status !== status || (status === "paid" && (view.return_url !== undefined || view.settled === true));
}

/**
 * The rate-limited reconciliation of the poll path: a pending order's provider is asked at most once per 10 s per
 * order, in the background. A paid answer is applied and published like a notify, which wakes the held polls.
 */
export function reconcileInBackground(ctx: AppContext, order: Order): void {
  if (effectiveStatus(order, ctx.now()) !== "pending") return;
  reconcileOrder(ctx, order).catch((err: unknown) => ctx.log.warn({ err, orderId: order.id }, "reconciliation failed"));
}

/** The classic poll: the current view at once (from memory), with a background reconciliation for a pending order. */
export async function polledPublicView(ctx: AppContext, orderId: string): Promise<PublicOrderView | undefined> {
  const snap = await liveOrdersFor(ctx).snapshot(orderId);
  if (!snap) return undefined;
  reconcileInBackground(ctx, snap.order);
  return publicViewOf(ctx, snap);
}

/**
 * The held poll: answers as soon as the view differs from `hold.status`, or with the unchanged view once the wait
 * is over (or the client went away). It sleeps on the order's events, and wakes by itself at the moments the view
 * changes without one (expiry, the shop's 10 s) and every 10 s to let reconciliation ask the provider.
 */
export async function heldPublicView(
  ctx: AppContext,
  orderId: string,
  hold: HoldRequest,
  signal?: AbortSignal,
): Promise<PublicOrderView | undefined> {
  const live = liveOrdersFor(ctx);
  const deadline = Date.now() + hold.waitMs;
  for (;;) {
    const snap = await live.snapshot(orderId);
    if (!snap) return undefined;
    const now = ctx.now();
    const view = publicViewOf(ctx, snap, now);
    const left = deadline - Date.now();
    if (differsFrom(view, hold.status) || left <= 0 || signal?.aborted) return view;
    reconcileInBackground(ctx, snap.order);
    const byItself = nextChangeIn(snap.order, snap.notification, now);
    // A few ms past a self-change, so the re-read is on the far side of it.
    const sleep = Math.min(left, byItself === undefined ? Infinity : byItself + 5, RECONCILE_INTERVAL_MS);
    await live.waitForChange(orderId, Math.max(10, sleep), signal);
  }
}
