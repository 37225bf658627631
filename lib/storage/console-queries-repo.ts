import "server-only";
import { sql } from "kysely";
import { DAY_MS, SHANGHAI_OFFSET_MS } from "@/lib/time/beijing-day";
import type { Db } from "./database";
import { keysOf, matchingOrders, type Appkeys, type OrderSearch } from "./console-order-search";
import { toOrder } from "./order-rows";
import type { Order } from "./records";

/**
 * The merchant console's read queries. Every one takes the operator's merchants (`appkeys`, null for "all") and
 * filters in SQL, so an operator never receives a row of another merchant's to filter out later.
 */
export type { OrderSearch } from "./console-order-search";

/** Orders matching a search, newest first, one page of them plus the total count. */
export async function searchOrders(
  db: Db,
  s: OrderSearch,
  page: { limit: number; offset: number },
): Promise<{ rows: Order[]; total: number }> {
  const q = matchingOrders(db, s);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst(),
  ]);
  return { rows: rows.map(toOrder), total: Number(count?.n ?? 0) };
}

export interface PaidBucket {
  appkey: string;
  channel_id: string;
  /** Beijing day number: floor((paid_at + 8 h) / 24 h). */
  day: number;
  count: number;
  fen: number;
}

/** Paid orders since `since`, counted and summed per merchant, channel and Beijing day. */
export async function paidTotalsByDay(db: Db, appkeys: Appkeys, since: number): Promise<PaidBucket[]> {
  // Integer division on bigint columns in both dialects (SQLite and PostgreSQL both truncate integer / integer).
  const day = sql<number>`(paid_at + ${sql.lit(SHANGHAI_OFFSET_MS)}) / ${sql.lit(DAY_MS)}`;
  let q = db
    .selectFrom("orders")
    .select((eb) => [
      "appkey",
      "channel_id",
      day.as("day"),
      eb.fn.countAll<number>().as("count"),
      eb.fn.sum<number>("real_fen").as("fen"),
    ])
    .where("status", "=", "paid")
    .where("paid_at", ">=", since);
  if (appkeys !== null) q = q.where("appkey", "in", keysOf(appkeys));
  const rows = await q.groupBy(["appkey", "channel_id", day]).execute();
  return rows.map((r) => ({
    appkey: r.appkey,
    channel_id: r.channel_id,
    day: Number(r.day),
    count: Number(r.count),
    fen: Number(r.fen ?? 0),
  }));
}

export interface FailingNotification {
  order_id: string;
  appkey: string;
  out_order_id: string;
  status: "pending" | "failed";
  attempts: number;
  next_attempt_at: number;
  updated_at: number;
}

/** Merchant notifications not getting through: given up (`failed`) or retrying after at least one failed attempt. */
export async function listFailingNotifications(
  db: Db,
  appkeys: Appkeys,
  limit: number,
): Promise<FailingNotification[]> {
  let q = db
    .selectFrom("notifications as n")
    .innerJoin("orders as o", "o.id", "n.order_id")
    .select(["n.order_id", "o.appkey", "o.out_order_id", "n.status", "n.attempts", "n.next_attempt_at", "n.updated_at"])
    .where((eb) =>
      eb.or([eb("n.status", "=", "failed"), eb.and([eb("n.status", "=", "pending"), eb("n.attempts", ">", 0)])]),
    );
  if (appkeys !== null) q = q.where("o.appkey", "in", keysOf(appkeys));
  const rows = await q.orderBy("n.updated_at", "desc").limit(limit).execute();
  return rows.map((r) => ({ ...r, status: r.status === "failed" ? "failed" : "pending" }));
}

export interface ChannelActivity {
  channel_id: string;
  /** Orders created (a code was asked for), paid among them, and fen collected, since the given time. */
  created: number;
  paid: number;
  paid_fen: number;
}

/** Per channel: orders created since `since`, how many of them were paid, and the fen paid. */
export async function channelActivitySince(
  db: Db,
  appkeys: Appkeys,
  channelIds: readonly string[],
  since: number,
): Promise<ChannelActivity[]> {
  let q = db
    .selectFrom("orders")
    .select((eb) => [
      "channel_id",
      eb.fn.countAll<number>().as("created"),
      eb.fn.sum<number>(eb.case().when("status", "=", "paid").then(1).else(0).end()).as("paid"),
      eb.fn.sum<number>(eb.case().when("status", "=", "paid").then(eb.ref("real_fen")).else(0).end()).as("paid_fen"),
    ])
    .where("channel_id", "in", keysOf(channelIds))
    .where("status", "!=", "creating")
    .where("created_at", ">=", since);
  if (appkeys !== null) q = q.where("appkey", "in", keysOf(appkeys));
  const rows = await q.groupBy("channel_id").execute();
  return rows.map((r) => ({
    channel_id: r.channel_id,
    created: Number(r.created),
    paid: Number(r.paid ?? 0),
    paid_fen: Number(r.paid_fen ?? 0),
  }));
}

/** Per channel, when its last credited payment arrived. */
export async function lastAppliedPaymentAt(db: Db, channelIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("payments")
    .select((eb) => ["channel_id", eb.fn.max("received_at").as("at")])
    .where("channel_id", "in", keysOf(channelIds))
    .where("status", "=", "applied")
    .groupBy("channel_id")
    .execute();
  return new Map(rows.map((r) => [r.channel_id, Number(r.at)]));
}

/**
 * Per monitor-based channel, the last time its monitor program was heard from: its last notification (any outcome)
 * or, for 三网, the last code it generated for us.
 */
export async function lastMonitorSignalAt(db: Db, channelIds: readonly string[]): Promise<Map<string, number>> {
  const ids = keysOf(channelIds);
  const [payments, codes] = await Promise.all([
    db
      .selectFrom("payments")
      .select((eb) => ["channel_id", eb.fn.max("received_at").as("at")])
      .where("channel_id", "in", ids)
      .groupBy("channel_id")
      .execute(),
    db
      .selectFrom("qr_cache")
      .select((eb) => ["channel_id", eb.fn.max("created_at").as("at")])
      .where("channel_id", "in", ids)
      .groupBy("channel_id")
      .execute(),
  ]);
  const out = new Map<string, number>();
  for (const r of [...payments, ...codes]) out.set(r.channel_id, Math.max(out.get(r.channel_id) ?? 0, Number(r.at)));
  return out;
}
