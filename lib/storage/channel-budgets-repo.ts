import "server-only";
import { sql } from "kysely";
import type { Db } from "./database";

/** A channel's daily budget limits as the counter row checks them; null = no limit of that kind. */
export interface BudgetLimits {
  orders: number | null;
  amountFen: number | null;
}

/**
 * Takes one order of `amountFen` on the channel for `day` if the day's counts stay within the limits: one upsert whose
 * conflict update only happens while the counts are below them, so concurrent creates can never pass the budget
 * (SQLite serialises writers; PostgreSQL locks the row for the update), as `daily-counts-repo.ts` does for the
 * merchant's quota. The caller has checked that one order alone fits (the insert of a fresh row is not guarded).
 * False when the day is full.
 */
export async function reserveChannelBudget(
  db: Db,
  channelId: string,
  day: number,
  amountFen: number,
  limits: BudgetLimits,
): Promise<boolean> {
  const row = await db
    .insertInto("channel_daily_budgets")
    .values({ channel_id: channelId, day, orders: 1, amount_fen: amountFen })
    .onConflict((oc) =>
      oc
        .columns(["channel_id", "day"])
        .doUpdateSet({
          orders: sql<number>`channel_daily_budgets.orders + 1`,
          amount_fen: sql<number>`channel_daily_budgets.amount_fen + ${amountFen}`,
        })
        .where((eb) => {
          const guards = [];
          if (limits.orders !== null) guards.push(eb("channel_daily_budgets.orders", "<", limits.orders));
          if (limits.amountFen !== null)
            guards.push(eb(sql<number>`channel_daily_budgets.amount_fen + ${amountFen}`, "<=", limits.amountFen));
          return eb.and(guards);
        }),
    )
    .returning("orders")
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives back a reservation whose order was not made on the channel (upstream failure, lost race, moved on). */
export async function releaseChannelBudget(db: Db, channelId: string, day: number, amountFen: number): Promise<void> {
  await db
    .updateTable("channel_daily_budgets")
    .set({
      orders: sql<number>`orders - 1`,
      amount_fen: sql<number>`case when amount_fen > ${amountFen} then amount_fen - ${amountFen} else 0 end`,
    })
    .where("channel_id", "=", channelId)
    .where("day", "=", day)
    .where("orders", ">", 0)
    .execute();
}

/** Orders and amount taken today per channel (absent: nothing yet). */
export async function channelBudgetUsage(
  db: Db,
  channelIds: readonly string[],
  day: number,
): Promise<Map<string, { orders: number; amountFen: number }>> {
  if (channelIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("channel_daily_budgets")
    .select(["channel_id", "orders", "amount_fen"])
    .where("channel_id", "in", [...channelIds])
    .where("day", "=", day)
    .execute();
  return new Map(rows.map((r) => [r.channel_id, { orders: Number(r.orders), amountFen: Number(r.amount_fen) }]));
}

/**
 * The channel's latest `limit` orders that have ended (paid, expired or closed), newest first, with when each ended:
 * "N unpaid in a row" looks only at these (an order still pending may yet be paid).
 */
export async function latestEndedOrders(
  db: Db,
  channelId: string,
  limit: number,
): Promise<{ paid: boolean; endedAt: number }[]> {
  const rows = await db
    .selectFrom("orders")
    .select(["status", "paid_at", "closed_at", "expires_at"])
    .where("channel_id", "=", channelId)
    .where("status", "in", ["paid", "expired", "closed"])
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    paid: r.status === "paid",
    endedAt: Number(
      r.status === "paid" ? r.paid_at : r.status === "closed" ? (r.closed_at ?? r.expires_at) : r.expires_at,
    ),
  }));
}
