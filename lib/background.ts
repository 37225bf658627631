import { startAlertWork } from "@/lib/alerts/background";
import "server-only";
import { hostname } from "node:os";
import { randomBase62 } from "@/lib/ids";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { getConfig } from "@/lib/config/load";
import { DeliveryPool } from "@/lib/merchant-notify/delivery-pool";
import { monitorStates } from "@/lib/console/channel-health";
import { notificationUrlPolicy } from "@/lib/merchant-notify/notification-url-policy";
import { ExpiryCloser } from "@/lib/orders/close-on-expiry";
import { ISSUED_SIGNATURE_RETENTION_MS } from "@/lib/orders/signature-guard";
import { retryRequestedRefunds } from "@/lib/orders/refunds";
import { readProcessState, writeProcessState } from "@/lib/process-state";

/** A `creating` claim older than this belongs to a process that died mid-create; the sweeper drops it. */
const STALE_CREATING_MS = 2 * 60_000;
/** The expiry sweeper's own rhythm: the views compute expiry from the clock, so storing it is not urgent. */
const SWEEP_INTERVAL_MS = 5_000;
/** The pending-refund pass: each refund rests a minute between questions (REFUND_RETRY_AFTER_MS). */
const REFUND_PASS_INTERVAL_MS = 15_000;
/** How often the monitor-online gauge is judged again (a V免签 app's heartbeat comes about every 30 s). */
const MONITOR_GAUGE_INTERVAL_MS = 30_000;

export interface Background {
  pool: DeliveryPool;
  stop(): Promise<void>;
}

/** Repeats `run` every `ms` after each run finished (never overlapping itself), until stopped. */
function every(ms: number, run: () => Promise<void>, onError: (err: unknown) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await run();
    } catch (err) {
      onError(err);
    } finally {
      if (!stopped) timer = setTimeout(tick, ms);
    }
  };
  timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * The dispatcher and the expiry sweeper of one process, each on its own: deliveries start when an event says a
 * notification is due (a payment here or, on PostgreSQL, on any instance) and the dispatch interval is only the
 * safety net for events that got lost; the sweeper stores expiry every few seconds and announces each expired order.
 */
export function startBackgroundWork(ctx: AppContext, owner: string): Background {
  const pool = new DeliveryPool(ctx.repos, {
    owner,
    now: ctx.now,
    urlPolicy: (n) => notificationUrlPolicy(ctx, n),
    timeoutMs: ctx.config.notifyTimeoutMs,
    log: ctx.log.child({ component: "dispatcher" }),
    events: ctx.events,
  });
  const unsubscribe = ctx.events.subscribe((e) => {
    if (e.type === "notification.due") pool.kick();
  });
  const onError = (err: unknown) => ctx.log.error({ err }, "background pass failed");
  // Official channels close an expired order's trade upstream (lib/orders/close-on-expiry.ts), off the sweeper's path.
  const closer = new ExpiryCloser(ctx);
  const stopCloser = closer.listen();
  const stopSafetyNet = every(ctx.config.dispatchIntervalMs, async () => pool.kick(), onError);
  const stopSweeper = every(
    SWEEP_INTERVAL_MS,
    async () => {
      const now = ctx.now();
      for (const orderId of await ctx.repos.expiry.expireDueOrders(now))
        await ctx.events.publish({ type: "order.expired", orderId });
      await ctx.repos.expiry.dropStaleCreating(now - STALE_CREATING_MS);
      await ctx.repos.signatures.pruneIssuedSignatures(now - ISSUED_SIGNATURE_RETENTION_MS);
      // Closes whose platform was down are due again; never awaited, so a hanging platform holds no expiry.
      closer.kick();
    },
    onError,
  );
  // Refunds still `requested` (pending upstream, or their answer lost) are asked about again (lib/orders/refunds.ts).
  const stopRefunds = every(REFUND_PASS_INTERVAL_MS, async () => void (await retryRequestedRefunds(ctx)), onError);
  // Alerts have their own delivery loop and slots: a sink that is down never holds a shop's notification.
  const alerts = startAlertWork(ctx, owner);
  // paydesk_channel_monitor_online per channel, judged as the channels page judges it (lib/console/channel-health.ts).
  const stopMonitorGauge = every(
    MONITOR_GAUGE_INTERVAL_MS,
    async () => void (await monitorStates(ctx, ctx.config.channels, ctx.now())),
    onError,
  );
  return {
    pool,
    async stop() {
      unsubscribe();
      stopSafetyNet();
      stopSweeper();
      stopCloser();
      stopRefunds();
      stopMonitorGauge();
      await Promise.all([pool.stop(), alerts.stop(), closer.idle()]);
    },
  };
}

/** Starts this process's background work (from instrumentation.ts), once. */
export async function startBackground(): Promise<void> {
  if (readProcessState<Background>("background")) return;
  // The background lives as long as the process, so it reads the config at each use: a settings change
  // (lib/config/settings-live.ts swaps it) reaches the dispatcher, sweeper and alerts without a restart.
  const ctx: AppContext = Object.defineProperty({ ...(await getAppContext()) }, "config", {
    get: getConfig,
    enumerable: true,
  });
  if (!ctx.config.background) {
    ctx.log.info("background work disabled (PAYDESK_BACKGROUND=off)");
    return;
  }
  const owner = `${hostname()}-${process.pid}-${randomBase62(6)}`;
  writeProcessState<Background>("background", startBackgroundWork(ctx, owner));
  ctx.log.info(
    { owner, safetyNetMs: ctx.config.dispatchIntervalMs },
    "notification dispatcher and expiry sweeper started",
  );
}
