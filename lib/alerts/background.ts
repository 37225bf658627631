import "server-only";
import { alertSettings } from "@/lib/config/alerts";
import { AlertDeliverer } from "./deliverer";
import { runAlertTriggers, type TriggerCtx } from "./triggers";

/** How often the triggers look at the stored facts (each condition still alerts once). */
export const TRIGGER_INTERVAL_MS = 30_000;

export interface AlertWork {
  deliverer: AlertDeliverer;
  stop(): Promise<void>;
}

/**
 * This process's alert work, beside (never inside) the shop-notification pool: the outbox's delivery loop and the
 * triggers' tick. Start it from lib/background.ts next to the dispatcher; with no sinks configured the triggers
 * still record conditions (the console shows them) and nothing is sent.
 */
export function startAlertWork(ctx: TriggerCtx, owner: string, triggerIntervalMs = TRIGGER_INTERVAL_MS): AlertWork {
  const deliverer = new AlertDeliverer(ctx, { owner }).start();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await runAlertTriggers(ctx);
    } catch (err) {
      ctx.log.error({ err }, "alert triggers failed");
    } finally {
      if (!stopped) timer = setTimeout(() => void tick(), triggerIntervalMs);
    }
  };
  timer = setTimeout(() => void tick(), 0);
  ctx.log.info({ sinks: alertSettings(ctx.config).sinks.map((s) => `${s.id}:${s.type}`) }, "alert delivery started");
  return {
    deliverer,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await deliverer.stop();
    },
  };
}
