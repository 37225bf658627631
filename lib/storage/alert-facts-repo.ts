import "server-only";
import type { Db } from "./database";

/**
 * The read queries the alert triggers decide on (lib/alerts/triggers.ts): per merchant, what is still undelivered and
 * how its latest attempts went; the day's figures for the daily summary. Reads only.
 */

export interface MerchantBacklog {
  appkey: string;
  /** When the oldest notification not yet delivered (pending or given up) was written. */
  oldestUndeliveredAt: number;
  undelivered: number;
}

/** Merchants with notifications not delivered, with the oldest one's age (given-up ones count until resent). */
export async function undeliveredByMerchant(db: Db): Promise<MerchantBacklog[]> {
  const rows = await db
    .selectFrom("notifications")
    .innerJoin("orders", "orders.id", "notifications.order_id")
    .select((eb) => [
      "orders.appkey as appkey",
      eb.fn.min("notifications.created_at").as("oldest"),
      eb.fn.countAll<number>().as("n"),
    ])
    .where("notifications.status", "in", ["pending", "failed"])
    .groupBy("orders.appkey")
    .execute();
  return rows.map((r) => ({ appkey: r.appkey, oldestUndeliveredAt: Number(r.oldest), undelivered: Number(r.n) }));
}

export interface RecentAttempt {
  outcome: string;
  doctorClass: string | null;
  startedAt: number;
  httpStatus: number | null;
}

/** One merchant's latest notification attempts, newest first. */
export async function recentAttemptsOfMerchant(db: Db, appkey: string, limit: number): Promise<RecentAttempt[]> {
  const rows = await db
    .selectFrom("notification_attempts")
    .innerJoin("notifications", "notifications.id", "notification_attempts.notification_id")
    .innerJoin("orders", "orders.id", "notifications.order_id")
    .select([
      "notification_attempts.outcome as outcome",
      "notification_attempts.doctor_class as doctor_class",
      "notification_attempts.started_at as started_at",
      "notification_attempts.http_status as http_status",
    ])
    .where("orders.appkey", "=", appkey)
    .orderBy("notification_attempts.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    outcome: r.outcome,
    doctorClass: r.doctor_class ?? null,
    startedAt: Number(r.started_at),
    httpStatus: r.http_status === null ? null : Number(r.http_status),
  }));
}

export interface DayFigures {
  orders: number;
  paid: number;
  paidFen: number;
  failedNotifications: number;
  review: number;
}

/** The figures of [from, to): orders created, orders paid and their amount, notifications given up, review. */
export async function dayFigures(db: Db, from: number, to: number): Promise<DayFigures> {
  const [created, paid, failed, review] = await Promise.all([
    db
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("created_at", ">=", from)
      .where("created_at", "<", to)
      .where("status", "!=", "creating")
      .executeTakeFirst(),
    db
      .selectFrom("orders")
      .select((eb) => [
        eb.fn.countAll<number>().as("n"),
        eb.fn.sum<number>(eb.fn.coalesce("real_fen", "pay_amount_fen")).as("fen"),
      ])
      .where("paid_at", ">=", from)
      .where("paid_at", "<", to)
      .executeTakeFirst(),
    db
      .selectFrom("notifications")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "failed")
      .where("updated_at", ">=", from)
      .where("updated_at", "<", to)
      .executeTakeFirst(),
    db
      .selectFrom("payments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "in", ["mismatched", "unmatched"])
      .where("received_at", ">=", from)
      .where("received_at", "<", to)
      .executeTakeFirst(),
  ]);
  return {
    orders: Number(created?.n ?? 0),
    paid: Number(paid?.n ?? 0),
    paidFen: Number(paid?.fen ?? 0),
    failedNotifications: Number(failed?.n ?? 0),
    review: Number(review?.n ?? 0),
  };
}
