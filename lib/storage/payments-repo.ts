import "server-only";
import type { Db } from "./database";
import type { Payment, PaymentStatus } from "./records";

/**
 * Records a provider transaction unless (channel_id, trade_no) is already known. The unique key, not a prior
 * SELECT, decides: two identical notifications racing each other insert one row, and the loser learns it lost.
 * Returns the new row's id, or null for a duplicate.
 */
export async function insertPaymentOnce(db: Db, payment: Omit<Payment, "id">): Promise<number | null> {
  const row = await db
    .insertInto("payments")
    .values(payment)
    .onConflict((oc) => oc.columns(["channel_id", "trade_no"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

export async function setPaymentOutcome(
  db: Db,
  id: number,
  outcome: { status: PaymentStatus; orderId: string | null; reason: string | null },
): Promise<void> {
  await db
    .updateTable("payments")
    .set({ status: outcome.status, order_id: outcome.orderId, reason: outcome.reason })
    .where("id", "=", id)
    .execute();
}

export async function findPayment(db: Db, channelId: string, tradeNo: string): Promise<Payment | undefined> {
  return db
    .selectFrom("payments")
    .selectAll()
    .where("channel_id", "=", channelId)
    .where("trade_no", "=", tradeNo)
    .executeTakeFirst();
}

export async function listPaymentsForOrder(db: Db, orderId: string): Promise<Payment[]> {
  return db.selectFrom("payments").selectAll().where("order_id", "=", orderId).orderBy("id").execute();
}

/** Payments kept for an operator's review: matched no payable order, or paid a different amount. */
export async function listPaymentsForReview(db: Db, limit = 100): Promise<Payment[]> {
  return db
    .selectFrom("payments")
    .selectAll()
    .where("status", "in", ["mismatched", "unmatched"])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

export async function findPaymentById(db: Db, id: number): Promise<Payment | undefined> {
  return db.selectFrom("payments").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * An operator's decision on a payment kept for review: moves it out of review only if it is still there, so two
 * operators (or a double click) cannot both credit or dismiss it. Returns whether this caller made the change.
 */
export async function settleReviewedPayment(
  db: Db,
  id: number,
  outcome: { status: "applied" | "dismissed"; orderId: string | null; reason: string },
): Promise<boolean> {
  const result = await db
    .updateTable("payments")
    .set({ status: outcome.status, order_id: outcome.orderId, reason: outcome.reason })
    .where("id", "=", id)
    .where("status", "in", ["mismatched", "unmatched"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Payments waiting for review that concern some merchants: linked to one of their orders, or linked to no order and
 * received on one of their channels. Null scopes read everything.
 */
export async function listReviewPaymentsInScope(
  db: Db,
  scope: { appkeys: readonly string[] | null; channelIds: readonly string[] | null },
  limit = 100,
): Promise<Payment[]> {
  let q = db.selectFrom("payments").selectAll().where("status", "in", ["mismatched", "unmatched"]);
  if (scope.appkeys !== null && scope.channelIds !== null) {
    const keys = scope.appkeys.length ? [...scope.appkeys] : [""];
    const channels = scope.channelIds.length ? [...scope.channelIds] : [""];
    q = q.where((eb) =>
      eb.or([
        eb("order_id", "in", eb.selectFrom("orders").select("orders.id").where("orders.appkey", "in", keys)),
        eb.and([eb("order_id", "is", null), eb("channel_id", "in", channels)]),
      ]),
    );
  }
  return q.orderBy("id", "desc").limit(limit).execute();
}

/** When the last payment reached any of these channels (ms), or null. */
export async function lastPaymentAt(db: Db, channelIds: readonly string[]): Promise<number | null> {
  if (channelIds.length === 0) return null;
  const row = await db
    .selectFrom("payments")
    .select((eb) => eb.fn.max("received_at").as("at"))
    .where("channel_id", "in", channelIds)
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}
