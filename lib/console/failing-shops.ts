import "server-only";
import type { AppContext } from "@/lib/context";
import { parseDoctorCode, type Diagnosis } from "@/lib/merchant-notify/doctor";
import type { ActionResult } from "./console-actions";
import { canSeeMerchant, type ConsoleScope } from "./console-scope";

/** One shop whose notifications are not getting through, by name, with the doctor's reading of its last failure. */
export interface FailingShopView {
  appkey: string;
  name: string;
  failed: number;
  retrying: number;
  oldestAt: number;
  nextAttemptAt: number | null;
  diagnosis: Diagnosis | null;
  lastFailedAt: number | null;
}

export const FAILING_SHOPS_SHOWN = 20;

/** The overview's failing shops: only the operator's merchants, named as in the settings file. */
export async function loadFailingShops(ctx: AppContext, scope: ConsoleScope): Promise<FailingShopView[]> {
  const rows = await ctx.repos.consoleOps.failingShops(scope.appkeys, FAILING_SHOPS_SHOWN);
  return rows.map((r) => ({
    appkey: r.appkey,
    name: ctx.config.merchants.find((m) => m.appkey === r.appkey)?.name || r.appkey,
    failed: r.failed,
    retrying: r.retrying,
    oldestAt: r.oldestAt,
    nextAttemptAt: r.nextAttemptAt,
    diagnosis: parseDoctorCode(r.lastDoctorClass),
    lastFailedAt: r.lastFailedAt,
  }));
}

/**
 * "Resend all": every failing notification of one shop (given up, or waiting for a retry) goes out again now, in one
 * statement, audited in console_audit in the same transaction. Another merchant's shop is "forbidden" (403).
 */
export async function resendShopFromConsole(
  ctx: AppContext,
  scope: ConsoleScope,
  appkey: string,
): Promise<ActionResult<"queued" | "nothing_to_resend"> & { count?: number }> {
  if (!ctx.config.merchants.some((m) => m.appkey === appkey)) return { outcome: "not_found" };
  if (!canSeeMerchant(scope, appkey)) return { outcome: "forbidden" };
  const now = ctx.now();
  const orderIds = await ctx.withTransaction(async (tx) => {
    const ids = await tx.consoleOps.requeueShopNotifications(appkey, now);
    await tx.consoleAudit.insertAuditEntry({
      at: now,
      user_name: scope.userName,
      action: "resend_shop",
      appkey,
      order_id: null,
      payment_id: null,
      reason: null,
      detail: ids.length
        ? `${ids.length} notification(s) queued again with a fresh retry schedule`
        : "nothing to resend (delivered, in flight, or none)",
    });
    return ids;
  });
  // After the commit: one event is enough to wake the dispatcher (here or on another instance); it takes every due row.
  if (orderIds.length > 0) await ctx.events.publish({ type: "notification.due", orderId: orderIds[0]! });
  return orderIds.length > 0
    ? { outcome: "queued", count: orderIds.length }
    : { outcome: "nothing_to_resend", count: 0 };
}
