import "server-only";
import { hostname } from "node:os";
import { randomBase62 } from "@/lib/ids";
import { getAppContext } from "@/lib/context";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import { notificationUrlPolicy } from "@/lib/merchant-notify/url-policy";

/** A `creating` claim older than this belongs to a process that died mid-create; the sweeper drops it. */
const STALE_CREATING_MS = 2 * 60_000;

const globalForBackground = globalThis as unknown as { __paydeskBackground?: { stop(): void } };

/**
 * Starts the notification dispatcher and the expiry sweeper in this process (from instrumentation.ts). Each tick
 * runs to completion before the next is scheduled, so a slow merchant never piles up overlapping passes.
 */
export async function startBackground(): Promise<void> {
  if (globalForBackground.__paydeskBackground) return;
  const ctx = await getAppContext();
  if (!ctx.config.background) {
    ctx.log.info("background work disabled (PAYDESK_BACKGROUND=off)");
    return;
  }
  const owner = `${hostname()}-${process.pid}-${randomBase62(6)}`;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    try {
      const now = ctx.now();
      await ctx.repos.orders.sweepOrders(now, now - STALE_CREATING_MS);
      await dispatchDue(ctx.repos.notifications, {
        owner,
        now: ctx.now,
        urlPolicy: (n) => notificationUrlPolicy(ctx, n),
        timeoutMs: ctx.config.notifyTimeoutMs,
        log: ctx.log.child({ component: "dispatcher" }),
      });
    } catch (err) {
      ctx.log.error({ err }, "background tick failed");
    } finally {
      if (!stopped) timer = setTimeout(tick, ctx.config.dispatchIntervalMs);
    }
  };
  timer = setTimeout(tick, 0);
  globalForBackground.__paydeskBackground = {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
  ctx.log.info(
    { owner, intervalMs: ctx.config.dispatchIntervalMs },
    "notification dispatcher and expiry sweeper started",
  );
}
