import "server-only";
import type { Db } from "./database";
import type { AlertDeliveryRecord, AlertKind, AlertRecord, AlertSeverity } from "./alert-records";

/**
 * The console's operations queries (issue 20): shops whose notifications are failing, each notification's latest
 * failed attempt (the doctor's class), a shop's failing notifications requeued at once, and the alert history by
 * page. Every notification query takes the operator's merchants (`appkeys`, null for "all") and filters in SQL.
 */
type Appkeys = readonly string[] | null;

// `IN ()` is not valid SQL: an empty scope becomes "", which no appkey can be.
const keysOf = (a: readonly string[]) => (a.length ? [...a] : [""]);

export interface FailingShop {
  appkey: string;
  /** Given up (status failed). */
  failed: number;
  /** Still retrying after at least one failed attempt. */
  retrying: number;
  /** When the oldest of them was written. */
  oldestAt: number;
  /** The soonest next retry among the retrying ones, null if none retries. */
  nextAttemptAt: number | null;
  /** The doctor's code of the shop's latest failed attempt (`class` or `class:detail`). */
  lastDoctorClass: string | null;
  lastFailedAt: number | null;
}

/** Shops with notifications given up or retrying after a failure, the most failing first. */
export async function failingShops(db: Db, appkeys: Appkeys, limit: number): Promise<FailingShop[]> {
  let q = db
    .selectFrom("notifications as n")
    .innerJoin("orders as o", "o.id", "n.order_id")
    .select((eb) => [
      "o.appkey as appkey",
      eb.fn.sum<number>(eb.case().when("n.status", "=", "failed").then(1).else(0).end()).as("failed"),
      eb.fn.sum<number>(eb.case().when("n.status", "=", "pending").then(1).else(0).end()).as("retrying"),
      eb.fn.min("n.created_at").as("oldest"),
      eb.fn.min(eb.case().when("n.status", "=", "pending").then(eb.ref("n.next_attempt_at")).end()).as("next"),
    ])
    .where((eb) =>
      eb.or([eb("n.status", "=", "failed"), eb.and([eb("n.status", "=", "pending"), eb("n.attempts", ">", 0)])]),
    );
  if (appkeys !== null) q = q.where("o.appkey", "in", keysOf(appkeys));
  const rows = await q.groupBy("o.appkey").execute();
  const shops = rows
    .map((r) => ({
      appkey: r.appkey,
      failed: Number(r.failed ?? 0),
      retrying: Number(r.retrying ?? 0),
      oldestAt: Number(r.oldest),
      nextAttemptAt: r.next === null || r.next === undefined ? null : Number(r.next),
    }))
    .sort((a, b) => b.failed + b.retrying - (a.failed + a.retrying) || a.oldestAt - b.oldestAt)
    .slice(0, limit);
  return Promise.all(
    shops.map(async (s) => {
      const last = await db
        .selectFrom("notification_attempts as a")
        .innerJoin("notifications as n", "n.id", "a.notification_id")
        .innerJoin("orders as o", "o.id", "n.order_id")
        .select(["a.doctor_class", "a.started_at"])
        .where("o.appkey", "=", s.appkey)
        .where("a.outcome", "!=", "delivered")
        .orderBy("a.id", "desc")
        .limit(1)
        .executeTakeFirst();
      return {
        ...s,
        lastDoctorClass: last?.doctor_class ?? null,
        lastFailedAt: last ? Number(last.started_at) : null,
      };
    }),
  );
}

/** Per order, the doctor's code of its notification's latest failed attempt (orders with none are left out). */
export async function lastFailureByOrder(db: Db, orderIds: readonly string[]): Promise<Map<string, string | null>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("notification_attempts as a")
    .innerJoin(
      (eb) =>
        eb
          .selectFrom("notification_attempts as x")
          .innerJoin("notifications as n", "n.id", "x.notification_id")
          .select((f) => ["n.order_id as order_id", f.fn.max("x.id").as("last_id")])
          .where("n.order_id", "in", [...orderIds])
          .where("x.outcome", "!=", "delivered")
          .groupBy("n.order_id")
          .as("l"),
      (join) => join.onRef("l.last_id", "=", "a.id"),
    )
    .select(["l.order_id", "a.doctor_class"])
    .execute();
  return new Map(rows.map((r) => [r.order_id, r.doctor_class ?? null]));
}

/**
 * The console's bulk resend: every notification of one shop that was given up, or waits for a retry after a failed
 * attempt, goes out again now with a fresh schedule, in one statement. Leased ones (in flight) are left alone, so
 * the shop never gets two attempts of one notification at once. Returns the order ids requeued.
 */
export async function requeueShopNotifications(db: Db, appkey: string, now: number): Promise<string[]> {
  const rows = await db
    .updateTable("notifications")
    .set({ status: "pending", attempts: 0, next_attempt_at: now, lease_until: 0, lease_owner: null, updated_at: now })
    .where("order_id", "in", (eb) => eb.selectFrom("orders").select("orders.id").where("orders.appkey", "=", appkey))
    .where((eb) =>
      eb.or([
        eb("status", "=", "failed"),
        eb.and([eb("status", "=", "pending"), eb("attempts", ">", 0), eb("lease_until", "<", now)]),
      ]),
    )
    .returning("order_id")
    .execute();
  return rows.map((r) => r.order_id);
}

export type AlertWithDeliveries = AlertRecord & { deliveries: AlertDeliveryRecord[] };

/** The alert history, newest first, one page of it with its deliveries, plus the total count. */
export async function alertHistoryPage(
  db: Db,
  page: { limit: number; offset: number },
): Promise<{ rows: AlertWithDeliveries[]; total: number }> {
  const [alerts, count] = await Promise.all([
    db.selectFrom("alerts").selectAll().orderBy("id", "desc").limit(page.limit).offset(page.offset).execute(),
    db
      .selectFrom("alerts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst(),
  ]);
  const rows = alerts.map((a) => ({
    ...a,
    id: Number(a.id),
    kind: a.kind as AlertKind,
    severity: a.severity as AlertSeverity,
    created_at: Number(a.created_at),
  }));
  const deliveries = rows.length
    ? await deliveriesOf(
        db,
        rows.map((a) => a.id),
      )
    : [];
  return {
    rows: rows.map((a) => ({ ...a, deliveries: deliveries.filter((d) => d.alert_id === a.id) })),
    total: Number(count?.n ?? 0),
  };
}

/** The deliveries of some alerts, oldest first (a test alert's page shows its answer). */
export async function deliveriesOf(db: Db, alertIds: readonly number[]): Promise<AlertDeliveryRecord[]> {
  if (alertIds.length === 0) return [];
  const rows = await db
    .selectFrom("alert_deliveries")
    .selectAll()
    .where("alert_id", "in", [...alertIds])
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    alert_id: Number(r.alert_id),
    status: r.status as AlertDeliveryRecord["status"],
    attempts: Number(r.attempts),
    next_attempt_at: Number(r.next_attempt_at),
    lease_until: Number(r.lease_until),
    created_at: Number(r.created_at),
    delivered_at: r.delivered_at === null ? null : Number(r.delivered_at),
    updated_at: Number(r.updated_at),
  }));
}
