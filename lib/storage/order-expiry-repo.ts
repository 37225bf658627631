import "server-only";
import type { Db } from "./database";

// The sweeper's queries over orders' lifetimes (lib/background.ts): expiry made durable, dead creates dropped.

/**
 * Pending orders past their expiry become expired; returns their ids (each one is an `order.expired` event). A
 * select then a guarded update, so an order paid in between keeps its payment and is not reported.
 */
export async function expireDueOrders(db: Db, now: number, limit = 1000): Promise<string[]> {
  const due = await db
    .selectFrom("orders")
    .select("id")
    .where("status", "=", "pending")
    .where("expires_at", "<=", now)
    .limit(limit)
    .execute();
  if (due.length === 0) return [];
  const rows = await db
    .updateTable("orders")
    .set({ status: "expired", updated_at: now })
    .where(
      "id",
      "in",
      due.map((r) => r.id),
    )
    .where("status", "=", "pending")
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/** `creating` claims older than `staleBefore` belong to a process that died mid-create. */
export async function dropStaleCreating(db: Db, staleBefore: number): Promise<void> {
  await db.deleteFrom("orders").where("status", "=", "creating").where("created_at", "<", staleBefore).execute();
}

/**
 * Takes the upstream close of an expired order (lib/orders/close-on-expiry.ts): succeeds for one caller, across
 * every instance, per order. `reconcile_asked_at` (when an instance last asked the provider about the order) is
 * written while the order is pending, always before its expiry; set at or after `expires_at`, it says the close was
 * taken, so the conditional update is the claim and no migration is needed.
 */
export async function claimUpstreamClose(db: Db, id: string, expiresAt: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable("orders")
    .set({ reconcile_asked_at: Math.max(now, expiresAt) })
    .where("id", "=", id)
    .where("status", "=", "expired")
    .where((eb) => eb.or([eb("reconcile_asked_at", "is", null), eb("reconcile_asked_at", "<", eb.ref("expires_at"))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
