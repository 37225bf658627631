import "server-only";
import { sql } from "kysely";
import type { Db } from "./database";

/**
 * Takes one of the merchant's orders for `day` if fewer than `limit` are taken: one upsert whose conflict update only
 * happens while the count is below the limit, so concurrent creates can never exceed it (SQLite serialises writers;
 * PostgreSQL locks the row for the update). False when the day is full.
 */
export async function reserveDailyOrder(db: Db, appkey: string, day: number, limit: number): Promise<boolean> {
  const row = await db
    .insertInto("daily_order_counts")
    .values({ appkey, day, count: 1 })
    .onConflict((oc) =>
      oc
        .columns(["appkey", "day"])
        .doUpdateSet({ count: sql<number>`daily_order_counts.count + 1` })
        .where("daily_order_counts.count", "<", limit),
    )
    .returning("count")
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives back a reservation whose order was not made (lost race, no channel, upstream failure). */
export async function releaseDailyOrder(db: Db, appkey: string, day: number): Promise<void> {
  await db
    .updateTable("daily_order_counts")
    .set({ count: sql<number>`count - 1` })
    .where("appkey", "=", appkey)
    .where("day", "=", day)
    .where("count", ">", 0)
    .execute();
}
