import "server-only";
import { sql } from "kysely";
import type { Db } from "./database";

// Channel budgets (migration 015, docs/contract.md#channel-budgets): per channel and Beijing day the orders handed to
// it and their amount, and per channel its unpaid run and rest. The limits come from the caller (the config).

/** What a channel has taken on one day. */
export interface ChannelDayUse {
  orders: number;
  amountFen: number;
}

/** A channel's rest, and since when its orders count towards a run of unpaid ones (its last payment or rest). */
export interface ChannelRest {
  restUntil: number | null;
  restReason: string | null;
  runSince: number;
}

/**
 * Takes one order of `amountFen` on the channel's day if the day stays within both limits (null: no limit): one
 * upsert whose conflict update only happens while the guard holds, so concurrent creates can never pass the budget
 * (SQLite serialises writers; PostgreSQL locks the row for the update and re-checks the guard). False when it would.
 */
export async function reserveChannelBudget(
  db: Db,
  r: { channelId: string; day: number; amountFen: number; maxOrders: number | null; maxAmountFen: number | null },
): Promise<boolean> {
  // The first order of the day inserts without the guard: it must fit on its own.
  if (r.maxAmountFen !== null && r.amountFen > r.maxAmountFen) return false;
  const row = await db
    .insertInto("channel_budget_days")
    .values({ channel_id: r.channelId, day: r.day, orders: 1, amount_fen: r.amountFen })
    .onConflict((oc) =>
      oc
        .columns(["channel_id", "day"])
        .doUpdateSet({
          orders: sql<number>`channel_budget_days.orders + 1`,
          amount_fen: sql<number>`channel_budget_days.amount_fen + ${r.amountFen}`,
        })
        .where((eb) =>
          eb.and([
            ...(r.maxOrders === null ? [] : [eb("channel_budget_days.orders", "<", r.maxOrders)]),
            ...(r.maxAmountFen === null
              ? []
              : [eb(sql<number>`channel_budget_days.amount_fen + ${r.amountFen}`, "<=", r.maxAmountFen)]),
          ]),
        ),
    )
    .returning("orders")
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives back a reservation whose order was not made (the upstream failed, the claim was dropped). */
export async function releaseChannelBudget(
  db: Db,
  r: { channelId: string; day: number; amountFen: number },
): Promise<void> {
  await db
    .updateTable("channel_budget_days")
    .set({ orders: sql<number>`orders - 1`, amount_fen: sql<number>`amount_fen - ${r.amountFen}` })
    .where("channel_id", "=", r.channelId)
    .where("day", "=", r.day)
    .where("orders", ">", 0)
    .execute();
}

/** What the channel has taken on `day` (zero when nothing). */
export async function channelDayUse(db: Db, channelId: string, day: number): Promise<ChannelDayUse> {
  const row = await db
    .selectFrom("channel_budget_days")
    .select(["orders", "amount_fen"])
    .where("channel_id", "=", channelId)
    .where("day", "=", day)
    .executeTakeFirst();
  return { orders: Number(row?.orders ?? 0), amountFen: Number(row?.amount_fen ?? 0) };
}

/**
 * Orders made on a channel since `since` and their amount, from the orders themselves (the health page's figures for
 * a channel without a budget, which keeps no counter).
 */
export async function ordersOnChannelSince(db: Db, channelId: string, since: number): Promise<ChannelDayUse> {
  const row = await db
    .selectFrom("orders")
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.sum<number>("price_fen").as("fen")])
    .where("channel_id", "=", channelId)
    .where("created_at", ">=", since)
    .where("status", "!=", "creating")
    .executeTakeFirst();
  return { orders: Number(row?.n ?? 0), amountFen: Number(row?.fen ?? 0) };
}

export async function channelRest(db: Db, channelId: string): Promise<ChannelRest | undefined> {
  const row = await db.selectFrom("channel_rests").selectAll().where("channel_id", "=", channelId).executeTakeFirst();
  return (
    row && {
      restUntil: row.rest_until === null ? null : Number(row.rest_until),
      restReason: row.rest_reason,
      runSince: Number(row.run_since),
    }
  );
}

/**
 * When the channel's latest unpaid orders ran out, newest first, at most `limit`: orders whose expiry falls after
 * `since` (the last payment or rest on the channel) and at or before `now`, still unpaid (expired, or pending and not
 * swept yet; closed ones are neither). The run of unpaid orders is read here, over the (channel, expiry) index.
 */
export async function unpaidExpiriesSince(
  db: Db,
  r: { channelId: string; since: number; now: number; limit: number },
): Promise<number[]> {
  const rows = await db
    .selectFrom("orders")
    .select("expires_at")
    .where("channel_id", "=", r.channelId)
    .where("expires_at", ">", r.since)
    .where("expires_at", "<=", r.now)
    .where("status", "in", ["pending", "expired"])
    .orderBy("expires_at", "desc")
    .limit(r.limit)
    .execute();
  return rows.map((o) => Number(o.expires_at));
}

/** A payment on the channel: its rest ends, and the run of unpaid orders counts from now. */
export async function notePaid(db: Db, channelId: string, now: number): Promise<void> {
  const paid = { rest_until: null, rest_reason: null, run_since: now, updated_at: now };
  await db
    .insertInto("channel_rests")
    .values({ channel_id: channelId, ...paid })
    .onConflict((oc) => oc.column("channel_id").doUpdateSet(paid).where("channel_rests.run_since", "<=", now))
    .execute();
}

/** Rests the channel until `until` (a provider error). */
export async function startRest(
  db: Db,
  r: { channelId: string; until: number; reason: string; now: number },
): Promise<void> {
  const rest = { rest_until: r.until, rest_reason: r.reason, updated_at: r.now };
  await db
    .insertInto("channel_rests")
    .values({ channel_id: r.channelId, run_since: 0, ...rest })
    .onConflict((oc) => oc.column("channel_id").doUpdateSet(rest))
    .execute();
}

/**
 * Turns a run of unpaid orders into a rest until `until`, and counts runs only from `now` on (those orders never
 * rest the channel twice), for one caller only: the update is guarded by the `run_since` the caller read, so two
 * instances noticing the same run rest the channel once. Returns whether this call did.
 */
export async function restAfterUnpaidRun(
  db: Db,
  r: { channelId: string; seenRunSince: number; until: number; reason: string; now: number },
): Promise<boolean> {
  const rest = { rest_until: r.until, rest_reason: r.reason, run_since: r.now, updated_at: r.now };
  const row = await db
    .insertInto("channel_rests")
    .values({ channel_id: r.channelId, ...rest })
    .onConflict((oc) => oc.column("channel_id").doUpdateSet(rest).where("channel_rests.run_since", "=", r.seenRunSince))
    .returning("channel_id")
    .executeTakeFirst();
  return row !== undefined;
}
