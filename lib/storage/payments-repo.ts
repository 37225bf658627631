import "server-only";
import type { Selectable } from "kysely";
import type { Db } from "./database";
import type { Payment, PaymentStatus } from "./records";
import type { PaymentsTable } from "./schema";

/** A payment to record, with the wallet its notify named when the provider reports one; linked later, if at all. */
export type NewPayment = Omit<Payment, "id" | "reported_type" | "related_payment_id"> & {
  reported_type?: string | null;
};

/** The record without the storage-only key. */
function toPayment(row: Selectable<PaymentsTable>): Payment {
  const { content_key: _contentKey, ...payment } = row;
  return payment;
}

/**
 * Records a provider transaction unless the same one is already known: the same channel, trade number and content
 * (amount, and wallet where reported). A notify of a known trade with other content is recorded as a row of its
 * own, so a signed notify with a wrong amount cannot use up the trade number and make the genuine one a duplicate.
 * Where one side names no wallet (a reconciliation answer, a row from before wallets were kept), the wallet named
 * by the other is taken as the same: a named wallet repeats a row without one; a report without one repeats a row
 * without one or the row that applied — not a row kept for naming another wallet, which must not stop the
 * provider's own answer about the order from crediting it. The unique (channel_id, trade_no, content_key), not the
 * SELECT, decides between identical notifies: two racing each other insert one row, and the loser learns it lost.
 * Returns the new id, or null for a repeat.
 */
export async function insertPaymentOnce(db: Db, payment: NewPayment): Promise<number | null> {
  const type = payment.reported_type ?? null;
  let known = db
    .selectFrom("payments")
    .select("id")
    .where("channel_id", "=", payment.channel_id)
    .where("trade_no", "=", payment.trade_no)
    .where("amount_fen", "=", payment.amount_fen);
  known = known.where((eb) =>
    eb.or([
      eb("reported_type", "is", null),
      type === null ? eb("status", "=", "applied") : eb("reported_type", "=", type),
    ]),
  );
  if (await known.limit(1).executeTakeFirst()) return null;
  const row = await db
    .insertInto("payments")
    .values({
      ...payment,
      reported_type: type,
      related_payment_id: null,
      content_key: `${payment.amount_fen}:${type ?? ""}`,
    })
    .onConflict((oc) => oc.columns(["channel_id", "trade_no", "content_key"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** Every payment recorded for one trade of a channel, oldest first. */
export async function listPaymentsForTrade(db: Db, channelId: string, tradeNo: string): Promise<Payment[]> {
  const rows = await db
    .selectFrom("payments")
    .selectAll()
    .where("channel_id", "=", channelId)
    .where("trade_no", "=", tradeNo)
    .orderBy("id")
    .execute();
  return rows.map(toPayment);
}

/** Points payments at another of their trade (the one that applied), for the review and the order's timeline. */
export async function linkPayments(db: Db, ids: readonly number[], relatedId: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("payments")
    .set({ related_payment_id: relatedId })
    .where("id", "in", [...ids])
    .execute();
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

/** The first payment recorded for a trade (see listPaymentsForTrade for all of them). */
export async function findPayment(db: Db, channelId: string, tradeNo: string): Promise<Payment | undefined> {
  const row = await db
    .selectFrom("payments")
    .selectAll()
    .where("channel_id", "=", channelId)
    .where("trade_no", "=", tradeNo)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return row && toPayment(row);
}

export async function listPaymentsForOrder(db: Db, orderId: string): Promise<Payment[]> {
  const rows = await db.selectFrom("payments").selectAll().where("order_id", "=", orderId).orderBy("id").execute();
  return rows.map(toPayment);
}

/** Payments kept for an operator's review: matched no payable order, or paid a different amount. */
export async function listPaymentsForReview(db: Db, limit = 100): Promise<Payment[]> {
  const rows = await db
    .selectFrom("payments")
    .selectAll()
    .where("status", "in", ["mismatched", "unmatched"])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(toPayment);
}

export async function findPaymentById(db: Db, id: number): Promise<Payment | undefined> {
  // An id parsed from a form may be NaN or fractional: no payment has it (PostgreSQL would refuse the bigint).
  if (!Number.isSafeInteger(id)) return undefined;
  const row = await db.selectFrom("payments").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toPayment(row);
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
  return (await q.orderBy("id", "desc").limit(limit).execute()).map(toPayment);
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
