import "server-only";
import type { Db } from "./database";

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
