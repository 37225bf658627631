import "server-only";
import type { Db } from "./database";
import type { Notification, NotificationAttempt, NotificationMethod } from "./records";

/**
 * Writes the outbox row for a paid order (call inside the transaction that marks it paid). A GET notification
 * carries its signed query in `url` and an empty `body`.
 */
export async function insertNotification(
  db: Db,
  n: { orderId: string; url: string; body: string; now: number; method?: NotificationMethod },
): Promise<void> {
  await db
    .insertInto("notifications")
    .values({
      order_id: n.orderId,
      url: n.url,
      body: n.body,
      method: n.method ?? "POST",
      status: "pending",
      attempts: 0,
      next_attempt_at: n.now,
      lease_until: 0,
      lease_owner: null,
      created_at: n.now,
      delivered_at: null,
      updated_at: n.now,
    })
    .onConflict((oc) => oc.column("order_id").doNothing())
    .execute();
}

/** Ids of deliveries that are due and not leased by anyone. */
export async function dueNotificationIds(db: Db, now: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom("notifications")
    .select("id")
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .where("lease_until", "<", now)
    .orderBy("next_attempt_at")
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.id));
}

/**
 * Claims one delivery with a lease. The conditional UPDATE is atomic in both databases, so when several instances
 * race for the same row exactly one gets it back; a crashed holder's lease simply runs out.
 */
export async function claimNotification(
  db: Db,
  id: number,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<Notification | undefined> {
  const result = await db
    .updateTable("notifications")
    .set({ lease_until: now + leaseMs, lease_owner: owner })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .where("lease_until", "<", now)
    .returningAll()
    .executeTakeFirst();
  return result;
}

/**
 * Claims several deliveries in one statement (one commit, where one claim each cost a commit apiece): the rows it
 * returns are this owner's, on the same conditions as claimNotification.
 */
export async function claimNotifications(
  db: Db,
  ids: readonly number[],
  owner: string,
  now: number,
  leaseMs: number,
): Promise<Notification[]> {
  if (ids.length === 0) return [];
  return db
    .updateTable("notifications")
    .set({ lease_until: now + leaseMs, lease_owner: owner })
    .where("id", "in", [...ids])
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .where("lease_until", "<", now)
    .returningAll()
    .execute();
}

export interface AttemptResult {
  attempt: Omit<NotificationAttempt, "id" | "notification_id" | "attempt_no">;
  /** The row's state after this attempt. */
  next: { status: "delivered" | "pending" | "failed"; nextAttemptAt: number };
}

/**
 * Logs one attempt and moves the delivery on, in one transaction, only while `owner` still holds the lease (a
 * holder whose lease ran out and was taken over must not overwrite the newer holder's outcome).
 */
export async function finishAttempt(
  db: Db,
  id: number,
  owner: string,
  now: number,
  r: AttemptResult,
): Promise<boolean> {
  return db.transaction().execute((tx) => finishOne(tx, { id, owner, now, result: r }));
}

/** One attempt's outcome, as finishAttempts takes them. */
export interface FinishedAttempt {
  id: number;
  owner: string;
  now: number;
  result: AttemptResult;
}

/**
 * Several attempts' outcomes in one transaction (one commit for a burst of deliveries that finished together), each
 * kept or not exactly as finishAttempt would; returns, in order, whether each was kept.
 */
export async function finishAttempts(db: Db, items: readonly FinishedAttempt[]): Promise<boolean[]> {
  if (items.length === 0) return [];
  return db.transaction().execute(async (tx) => {
    const kept: boolean[] = [];
    for (const item of items) kept.push(await finishOne(tx, item));
    return kept;
  });
}

async function finishOne(tx: Db, { id, owner, now, result: r }: FinishedAttempt): Promise<boolean> {
  // Guarded by the lease: a holder whose lease ran out (and was taken over) changes nothing.
  const updated = await tx
    .updateTable("notifications")
    .set((eb) => ({
      attempts: eb("attempts", "+", 1),
      status: r.next.status,
      next_attempt_at: r.next.nextAttemptAt,
      delivered_at: r.next.status === "delivered" ? now : null,
      lease_until: 0,
      lease_owner: null,
      updated_at: now,
    }))
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .where("status", "=", "pending")
    .returning("attempts")
    .executeTakeFirst();
  if (!updated) return false;
  await tx
    .insertInto("notification_attempts")
    .values({ ...r.attempt, notification_id: id, attempt_no: updated.attempts })
    .execute();
  return true;
}

export async function findNotificationByOrder(db: Db, orderId: string): Promise<Notification | undefined> {
  return db.selectFrom("notifications").selectAll().where("order_id", "=", orderId).executeTakeFirst();
}

export async function listAttempts(db: Db, notificationId: number): Promise<NotificationAttempt[]> {
  return db
    .selectFrom("notification_attempts")
    .selectAll()
    .where("notification_id", "=", notificationId)
    .orderBy("attempt_no")
    .execute();
}

/** A failed delivery goes back to pending with a fresh schedule (the operator's "resend"). */
export async function resendNotification(db: Db, orderId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable("notifications")
    .set({ status: "pending", attempts: 0, next_attempt_at: now, lease_until: 0, lease_owner: null, updated_at: now })
    .where("order_id", "=", orderId)
    .where("status", "=", "failed")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Notifications still to be delivered (status pending), for the queue-depth metric. */
export async function countUndeliveredNotifications(db: Db): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "pending")
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The console's "resend": a failed delivery, or one waiting for its next retry, is sent again now with a fresh
 * schedule. A delivery in flight (leased) is left alone, so the shop never gets two attempts at once.
 */
export async function requeueNotificationNow(db: Db, orderId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable("notifications")
    .set({ status: "pending", attempts: 0, next_attempt_at: now, lease_until: 0, lease_owner: null, updated_at: now })
    .where("order_id", "=", orderId)
    .where((eb) =>
      eb.or([eb("status", "=", "failed"), eb.and([eb("status", "=", "pending"), eb("lease_until", "<", now)])]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
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
