import "server-only";
import type { Selectable } from "kysely";
import type { Db } from "./database";
import { REFUND_HOLDING_STATUSES, type Refund, type RefundStatus, type RefundsTable } from "./refund-records";

const STATUSES: readonly RefundStatus[] = ["requested", "succeeded", "failed", "recorded"];

function toRefund(row: Selectable<RefundsTable>): Refund {
  const status = STATUSES.find((s) => s === row.status);
  if (!status) throw new Error(`refund ${row.id} has an unknown status ${JSON.stringify(row.status)}`);
  return { ...row, status };
}

/** A refund to reserve: its order's paid amount comes with it, for the order's first refund. */
export interface RefundClaim {
  orderId: string;
  appkey: string;
  channelId: string;
  refundNo: string;
  amountFen: number;
  /** What the order was paid (fen): the ceiling of its refunds together. */
  paidFen: number;
  /** `requested` for a refund asked of the provider, `recorded` for one an operator paid back by hand. */
  status: "requested" | "recorded";
  reason: string;
  note: string;
  actor: string;
  now: number;
}

export type RefundClaimResult =
  /** The new refund, its amount reserved. */
  | { kind: "created"; refund: Refund }
  /** A failed refund asked again with the same number and amount: reserved again, `requested` (or `recorded`). */
  | { kind: "retried"; refund: Refund }
  /** The number already names a refund (its amount may differ: the caller decides). Nothing changed. */
  | { kind: "existing"; refund: Refund }
  /** The amount exceeds what remains of the paid amount. Nothing changed. */
  | { kind: "exceeds"; remainingFen: number };

/** Runs `fn` in the caller's transaction, or in a new one when called outside any. */
function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Reserves a refund exactly once by (order, refund number), never beyond the paid amount, in one transaction:
 * the order's totals row is written first (created at the first refund, then touched), so every refund of the order
 * waits here for the one before it to commit — on PostgreSQL the row lock, on SQLite the write lock the first write
 * takes — and what it reads next (the number, the totals) is what that one committed. Then the guarded reservation
 * and the row. Concurrent requests with one number find the first one's row; twenty of 1.00 on a 10.00 order reserve ten.
 */
export async function claimRefund(db: Db, claim: RefundClaim): Promise<RefundClaimResult> {
  return inTransaction(db, async (tx) => {
    await tx
      .insertInto("refund_totals")
      .values({ order_id: claim.orderId, paid_fen: claim.paidFen, refunded_fen: 0, updated_at: claim.now })
      .onConflict((oc) => oc.column("order_id").doNothing())
      .execute();
    await tx
      .updateTable("refund_totals")
      .set({ updated_at: claim.now })
      .where("order_id", "=", claim.orderId)
      .execute();

    const existing = await tx
      .selectFrom("refunds")
      .selectAll()
      .where("order_id", "=", claim.orderId)
      .where("refund_no", "=", claim.refundNo)
      .executeTakeFirst();
    const retry = existing && existing.status === "failed" && Number(existing.amount_fen) === claim.amountFen;
    if (existing && !retry) return { kind: "existing", refund: toRefund(existing) };

    const reserved = await tx
      .updateTable("refund_totals")
      .set((eb) => ({ refunded_fen: eb("refunded_fen", "+", claim.amountFen) }))
      .where("order_id", "=", claim.orderId)
      .where((eb) => eb(eb("refunded_fen", "+", claim.amountFen), "<=", eb.ref("paid_fen")))
      .executeTakeFirst();
    if (Number(reserved.numUpdatedRows) !== 1) {
      const totals = await tx
        .selectFrom("refund_totals")
        .select(["paid_fen", "refunded_fen"])
        .where("order_id", "=", claim.orderId)
        .executeTakeFirstOrThrow();
      return { kind: "exceeds", remainingFen: Number(totals.paid_fen) - Number(totals.refunded_fen) };
    }

    if (existing) {
      const row = await tx
        .updateTable("refunds")
        .set({ status: claim.status, failure: null, reason: claim.reason, actor: claim.actor, updated_at: claim.now })
        .where("id", "=", existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { kind: "retried", refund: toRefund(row) };
    }
    const row = await tx
      .insertInto("refunds")
      .values({
        order_id: claim.orderId,
        appkey: claim.appkey,
        channel_id: claim.channelId,
        refund_no: claim.refundNo,
        amount_fen: claim.amountFen,
        status: claim.status,
        reason: claim.reason,
        note: claim.note,
        actor: claim.actor,
        provider_refund_id: null,
        failure: null,
        created_at: claim.now,
        updated_at: claim.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { kind: "created", refund: toRefund(row) };
  });
}

/**
 * The provider's final answer to a `requested` refund: succeeded, or failed (its amount is free again, in the same
 * transaction). Guarded on `requested`, so two instances settling one refund change it once; returns the refund as
 * it is now, or undefined when it does not exist.
 */
export async function settleRefund(
  db: Db,
  id: number,
  outcome: { status: "succeeded" | "failed"; providerRefundId: string | null; failure: string | null; now: number },
): Promise<Refund | undefined> {
  return inTransaction(db, async (tx) => {
    const moved = await tx
      .updateTable("refunds")
      .set((eb) => ({
        status: outcome.status,
        provider_refund_id: outcome.providerRefundId ?? eb.ref("provider_refund_id"),
        failure: outcome.failure,
        updated_at: outcome.now,
      }))
      .where("id", "=", id)
      .where("status", "=", "requested")
      .returningAll()
      .executeTakeFirst();
    if (moved && outcome.status === "failed") {
      await tx
        .updateTable("refund_totals")
        .set((eb) => ({ refunded_fen: eb("refunded_fen", "-", Number(moved.amount_fen)), updated_at: outcome.now }))
        .where("order_id", "=", moved.order_id)
        .execute();
    }
    const row = moved ?? (await tx.selectFrom("refunds").selectAll().where("id", "=", id).executeTakeFirst());
    return row && toRefund(row);
  });
}

/** A `requested` refund was asked about and is still pending upstream: keep its id, and when it was last asked. */
export async function touchRequestedRefund(
  db: Db,
  id: number,
  p: { providerRefundId: string | null; now: number },
): Promise<void> {
  await db
    .updateTable("refunds")
    .set((eb) => ({ provider_refund_id: p.providerRefundId ?? eb.ref("provider_refund_id"), updated_at: p.now }))
    .where("id", "=", id)
    .where("status", "=", "requested")
    .execute();
}

export async function findRefundByNo(db: Db, orderId: string, refundNo: string): Promise<Refund | undefined> {
  const row = await db
    .selectFrom("refunds")
    .selectAll()
    .where("order_id", "=", orderId)
    .where("refund_no", "=", refundNo)
    .executeTakeFirst();
  return row && toRefund(row);
}

/**
 * A merchant's refunds under one number, at most `limit` (oldest first). A number is unique within its order only, so
 * a lookup by the number alone (V2's `pay/refundquery`, docs/protocols/epay-v2.md) may find more than one: the caller
 * asks for two and tells "ambiguous" from "found". Served by the appkey index (`refunds_appkey_created`).
 */
export async function findRefundsByMerchantNo(db: Db, appkey: string, refundNo: string, limit = 2): Promise<Refund[]> {
  const rows = await db
    .selectFrom("refunds")
    .selectAll()
    .where("appkey", "=", appkey)
    .where("refund_no", "=", refundNo)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map(toRefund);
}

/** One order's refunds, oldest first (the order's views and timeline). */
export async function listRefundsForOrder(db: Db, orderId: string): Promise<Refund[]> {
  const rows = await db.selectFrom("refunds").selectAll().where("order_id", "=", orderId).orderBy("id").execute();
  return rows.map(toRefund);
}

/** Refunds still `requested` that nobody asked about since `askedBefore`, oldest first (the background pass). */
export async function listStaleRequestedRefunds(db: Db, askedBefore: number, limit: number): Promise<Refund[]> {
  const rows = await db
    .selectFrom("refunds")
    .selectAll()
    .where("status", "=", "requested")
    .where("updated_at", "<=", askedBefore)
    .orderBy("updated_at")
    .limit(limit)
    .execute();
  return rows.map(toRefund);
}

/** Fen refunded (requested, succeeded or recorded) per order, for lists of orders. Orders without refunds are absent. */
export async function refundedFenByOrder(db: Db, orderIds: readonly string[]): Promise<Map<string, number>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("refunds")
    .select((eb) => ["order_id", eb.fn.sum<number>("amount_fen").as("total")])
    .where("order_id", "in", [...orderIds])
    .where("status", "in", [...REFUND_HOLDING_STATUSES])
    .groupBy("order_id")
    .execute();
  return new Map(rows.map((r) => [r.order_id, Number(r.total ?? 0)]));
}
