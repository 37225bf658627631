import "server-only";
import type { Db } from "./database";
import type { AlertDeliveryRecord, AlertKind, AlertRecord, AlertSeverity } from "./alert-records";

/**
 * Operator alerts (migration 013): conditions raised once until cleared, the alerts said, and their durable outbox
 * (one delivery per alert and sink, claimed with a lease like the shop notifications but in tables of its own).
 */

/**
 * Marks a condition raised. True only for the caller that moved it from clear (or unknown) to raised: the
 * conditional upsert is atomic in both databases, so two instances noticing the same failure alert once.
 */
export async function raiseCondition(
  db: Db,
  c: { condition: string; severity: AlertSeverity; now: number },
): Promise<boolean> {
  const row = await db
    .insertInto("alert_conditions")
    .values({
      condition: c.condition,
      active: 1,
      severity: c.severity,
      raised_at: c.now,
      cleared_at: null,
      updated_at: c.now,
    })
    .onConflict((oc) =>
      oc
        .column("condition")
        .doUpdateSet({ active: 1, severity: c.severity, raised_at: c.now, cleared_at: null, updated_at: c.now })
        .where("alert_conditions.active", "=", 0),
    )
    .returning("condition")
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks a raised condition clear. Returns the severity it was raised with, only to the caller that cleared it (one
 * "recovered" per raise, sent to the same sinks as the alert), else null.
 */
export async function clearCondition(db: Db, condition: string, now: number): Promise<AlertSeverity | null> {
  const row = await db
    .updateTable("alert_conditions")
    .set({ active: 0, cleared_at: now, updated_at: now })
    .where("condition", "=", condition)
    .where("active", "=", 1)
    .returning("severity")
    .executeTakeFirst();
  return row ? (row.severity as AlertSeverity) : null;
}

/** Raised conditions whose id starts with `prefix` (e.g. `notify:`), for the triggers that clear what recovered. */
export async function activeConditions(db: Db, prefix: string): Promise<string[]> {
  const rows = await db
    .selectFrom("alert_conditions")
    .select("condition")
    .where("active", "=", 1)
    .where("condition", "like", `${prefix}%`)
    .execute();
  return rows.map((r) => r.condition);
}

/** Stores one alert and a pending delivery per sink; returns the alert's id. Call inside a transaction. */
export async function insertAlert(
  db: Db,
  a: { condition: string | null; kind: AlertKind; severity: AlertSeverity; title: string; body: string; now: number },
  sinkIds: readonly string[],
): Promise<number> {
  const row = await db
    .insertInto("alerts")
    .values({
      condition: a.condition,
      kind: a.kind,
      severity: a.severity,
      title: a.title,
      body: a.body,
      created_at: a.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const alertId = Number(row.id);
  if (sinkIds.length > 0)
    await db
      .insertInto("alert_deliveries")
      .values(
        sinkIds.map((sink) => ({
          alert_id: alertId,
          sink_id: sink,
          status: "pending",
          attempts: 0,
          next_attempt_at: a.now,
          lease_until: 0,
          lease_owner: null,
          last_answer: null,
          created_at: a.now,
          delivered_at: null,
          updated_at: a.now,
        })),
      )
      .execute();
  return alertId;
}

function toAlert(r: {
  id: number;
  condition: string | null;
  kind: string;
  severity: string;
  title: string;
  body: string;
  created_at: number;
}): AlertRecord {
  return {
    ...r,
    id: Number(r.id),
    kind: r.kind as AlertKind,
    severity: r.severity as AlertSeverity,
    created_at: Number(r.created_at),
  };
}

function toDelivery(r: Omit<AlertDeliveryRecord, "status"> & { status: string }): AlertDeliveryRecord {
  return {
    ...r,
    id: Number(r.id),
    alert_id: Number(r.alert_id),
    status: r.status as AlertDeliveryRecord["status"],
    next_attempt_at: Number(r.next_attempt_at),
    lease_until: Number(r.lease_until),
    created_at: Number(r.created_at),
    delivered_at: r.delivered_at === null ? null : Number(r.delivered_at),
    updated_at: Number(r.updated_at),
  };
}

/** Due, unleased deliveries (oldest alert first), leaving out sinks that already have all the slots they may use. */
export async function dueAlertDeliveries(
  db: Db,
  now: number,
  limit: number,
  excludeSinks: readonly string[] = [],
): Promise<Array<{ id: number; sink_id: string }>> {
  let q = db
    .selectFrom("alert_deliveries")
    .select(["id", "sink_id"])
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .where("lease_until", "<", now);
  if (excludeSinks.length > 0) q = q.where("sink_id", "not in", [...excludeSinks]);
  // Oldest alert first among the due ones: a sink gets its alerts in the order they were raised.
  const rows = await q.orderBy("id").limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), sink_id: r.sink_id }));
}

/**
 * Claims deliveries with a lease (one conditional UPDATE: two instances never send the same attempt) and returns
 * each claimed one with its alert.
 */
export async function claimAlertDeliveries(
  db: Db,
  q: { ids: readonly number[]; now: number; owner: string; leaseMs: number },
): Promise<Array<{ delivery: AlertDeliveryRecord; alert: AlertRecord }>> {
  if (q.ids.length === 0) return [];
  const claimed = await db
    .updateTable("alert_deliveries")
    .set({ lease_until: q.now + q.leaseMs, lease_owner: q.owner })
    .where("id", "in", [...q.ids])
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", q.now)
    .where("lease_until", "<", q.now)
    .returningAll()
    .execute();
  if (claimed.length === 0) return [];
  const alerts = await db
    .selectFrom("alerts")
    .selectAll()
    .where(
      "id",
      "in",
      claimed.map((d) => Number(d.alert_id)),
    )
    .execute();
  const byId = new Map(alerts.map((a) => [Number(a.id), toAlert(a)]));
  return claimed.flatMap((d) => {
    const alert = byId.get(Number(d.alert_id));
    return alert ? [{ delivery: toDelivery(d), alert }] : [];
  });
}

/**
 * Records one attempt of a delivery while `owner` holds its lease. `counted: false` puts it back without spending an
 * attempt (held by the sink's rate limit or quiet hours).
 */
export async function finishAlertDelivery(
  db: Db,
  f: {
    id: number;
    owner: string;
    now: number;
    status: AlertDeliveryRecord["status"];
    nextAttemptAt: number;
    answer: string | null;
    counted: boolean;
  },
): Promise<boolean> {
  const result = await db
    .updateTable("alert_deliveries")
    .set((eb) => ({
      status: f.status,
      attempts: f.counted ? eb("attempts", "+", 1) : eb.ref("attempts"),
      next_attempt_at: f.nextAttemptAt,
      lease_until: 0,
      lease_owner: null,
      ...(f.counted ? { last_answer: f.answer } : {}),
      delivered_at: f.status === "delivered" ? f.now : null,
      updated_at: f.now,
    }))
    .where("id", "=", f.id)
    .where("lease_owner", "=", f.owner)
    .where("status", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many alerts a sink was sent since `since` (its rate limit counts these, on every instance). */
export async function countSinkDeliveredSince(db: Db, sinkId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom("alert_deliveries")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("sink_id", "=", sinkId)
    .where("delivered_at", ">=", since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The alert history, newest first, each with its deliveries (the console's "alert history"). */
export async function recentAlerts(
  db: Db,
  limit: number,
): Promise<Array<AlertRecord & { deliveries: AlertDeliveryRecord[] }>> {
  const alerts = (await db.selectFrom("alerts").selectAll().orderBy("id", "desc").limit(limit).execute()).map(toAlert);
  if (alerts.length === 0) return [];
  const deliveries = (
    await db
      .selectFrom("alert_deliveries")
      .selectAll()
      .where(
        "alert_id",
        "in",
        alerts.map((a) => a.id),
      )
      .orderBy("id")
      .execute()
  ).map(toDelivery);
  return alerts.map((a) => ({ ...a, deliveries: deliveries.filter((d) => d.alert_id === a.id) }));
}
