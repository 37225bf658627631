import pino from "pino";
import type { AppContext } from "@/lib/context";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import { notificationUrlPolicy } from "@/lib/merchant-notify/notification-url-policy";

/**
 * One dispatcher pass over what is due, as the background worker runs it (the production URL policy, a 2 s answer
 * timeout), so a test can deliver the shop's notifications at a moment of its choosing. Returns the attempts made.
 */
export function dispatchOnce(ctx: AppContext, owner = "t"): Promise<number> {
  return dispatchDue(ctx.repos.notifications, {
    owner,
    now: ctx.now,
    urlPolicy: (n) => notificationUrlPolicy(ctx, n),
    timeoutMs: 2000,
    log: pino({ level: "silent" }),
  });
}
