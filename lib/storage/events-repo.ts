import "server-only";
import type { Db } from "./database";

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

/** A row that changed: the order's own row, or its notification's, and the `updated_at` it now has. */
export interface RowChange {
  orderId: string;
  row: "order" | "notification";
  updatedAt: number;
}

/**
 * Orders whose row or notification changed at or after `since`: the events' safety net re-reads these, so a lost
 * event (an instance killed between commit and publish, a dropped LISTEN connection) costs seconds. With each row's
 * `updated_at`, so a reader can tell a change it has already seen from a new one.
 */
export async function rowsChangedSince(db: Db, since: number, limit = 5000): Promise<RowChange[]> {
  const [orders, notifications] = await Promise.all([
    db.selectFrom("orders").select(["id", "updated_at"]).where("updated_at", ">=", since).limit(limit).execute(),
    db
      .selectFrom("notifications")
      .select(["order_id", "updated_at"])
      .where("updated_at", ">=", since)
      .limit(limit)
      .execute(),
  ]);
  return [
    ...orders.map((r) => ({ orderId: r.id, row: "order" as const, updatedAt: Number(r.updated_at) })),
    ...notifications.map((r) => ({
      orderId: r.order_id,
      row: "notification" as const,
      updatedAt: Number(r.updated_at),
    })),
  ];
}

/** A due, unleased delivery: its id and the shop URL it goes to (the pool's per-shop limit counts by origin). */
export interface DueDelivery {
  id: number;
  url: string;
}

/**
 * Due deliveries, oldest first, skipping the shops (origins, `https://shop.example:8443`) whose slots are all busy,
 * so a shop with many due (or hanging) deliveries cannot fill the page and starve the others. By origin, not URL:
 * epay and V免签 notifications each carry their own query string.
 */
export async function dueDeliveries(
  db: Db,
  now: number,
  limit: number,
  skipOrigins: readonly string[],
): Promise<DueDelivery[]> {
  let q = db
    .selectFrom("notifications")
    .select(["id", "url"])
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .where("lease_until", "<", now);
  for (const origin of skipOrigins) {
    // A prefix test both dialects have (substr), with the "/" or "?" that ends an origin in a URL.
    for (const end of ["/", "?"]) {
      const prefix = origin + end;
      q = q.where((eb) => eb(eb.fn<string>("substr", ["url", eb.val(1), eb.val(prefix.length)]), "<>", prefix));
    }
  }
  const rows = await q.orderBy("next_attempt_at").limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), url: r.url }));
}
