import "server-only";
import type { Db } from "./database";
import { keysOf, matchingOrders, type Appkeys, type OrderSearch } from "./console-order-search";
import { toOrder } from "./order-rows";
import type { ConsoleAuditEntry, Order, PaymentStatus } from "./records";
import type { Refund, RefundStatus } from "./refund-records";

/**
 * The console's CSV export and review reads (lib/console/csv-export.ts, lib/console/review-candidates.ts). Export
 * pages are keyset pages — `WHERE (created_at, id) < cursor ORDER BY … LIMIT n` — never OFFSET: each page costs an
 * index seek however deep the export is, and rows inserted while it runs do not shift later pages.
 */
/** The export filters exactly as the orders page searches (`pending` and `expired` judged by the clock). */
export type ExportOrderFilter = OrderSearch;

/** Where the previous page ended: the last row's (time, id); the next page starts strictly after it, newest first. */
export interface TimeCursor {
  at: number;
  id: string;
}

/** One keyset page of orders matching the filter, newest first. */
export async function exportOrdersPage(
  db: Db,
  f: ExportOrderFilter,
  after: TimeCursor | null,
  limit: number,
): Promise<Order[]> {
  let q = matchingOrders(db, f);
  if (after) {
    // The plain bound `created_at <= at` is implied by the OR beside it; it is there so an index on created_at is
    // read as a range from the cursor on (both engines), not scanned from the newest row for every page.
    q = q
      .where("created_at", "<=", after.at)
      .where((eb) =>
        eb.or([eb("created_at", "<", after.at), eb.and([eb("created_at", "=", after.at), eb("id", "<", after.id)])]),
      );
  }
  const rows = await q.selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
  return rows.map(toOrder);
}

export interface ExportPaymentFilter {
  appkeys: Appkeys;
  /** The operator's channels: a payment matched to no order is seen by the channel it came in on. */
  channelIds: readonly string[] | null;
  channelId?: string;
  appkey?: string;
  status?: PaymentStatus;
  receivedFrom?: number;
  receivedBefore?: number;
}

export interface ExportPaymentRow {
  id: number;
  received_at: number;
  channel_id: string;
  trade_no: string;
  order_id: string | null;
  appkey: string | null;
  amount_fen: number;
  status: PaymentStatus;
  reason: string | null;
}

const PAYMENT_STATUSES: readonly PaymentStatus[] = ["applied", "mismatched", "unmatched", "dismissed"];

/** One keyset page of payments (by id, newest first), each with its order's merchant when it has an order. */
export async function exportPaymentsPage(
  db: Db,
  f: ExportPaymentFilter,
  afterId: number | null,
  limit: number,
): Promise<ExportPaymentRow[]> {
  let q = db
    .selectFrom("payments as p")
    .leftJoin("orders as o", "o.id", "p.order_id")
    .select([
      "p.id",
      "p.received_at",
      "p.channel_id",
      "p.trade_no",
      "p.order_id",
      "o.appkey",
      "p.amount_fen",
      "p.status",
      "p.reason",
    ]);
  if (f.appkeys !== null && f.channelIds !== null) {
    const keys = keysOf(f.appkeys);
    const channels = keysOf(f.channelIds);
    q = q.where((eb) =>
      eb.or([eb("o.appkey", "in", keys), eb.and([eb("p.order_id", "is", null), eb("p.channel_id", "in", channels)])]),
    );
  }
  if (f.channelId) q = q.where("p.channel_id", "=", f.channelId);
  if (f.appkey) q = q.where("o.appkey", "=", f.appkey);
  if (f.status) q = q.where("p.status", "=", f.status);
  if (f.receivedFrom !== undefined) q = q.where("p.received_at", ">=", f.receivedFrom);
  if (f.receivedBefore !== undefined) q = q.where("p.received_at", "<", f.receivedBefore);
  if (afterId !== null) q = q.where("p.id", "<", afterId);
  const rows = await q.orderBy("p.id", "desc").limit(limit).execute();
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    received_at: Number(r.received_at),
    amount_fen: Number(r.amount_fen),
    appkey: r.appkey ?? null,
    // A status this build does not know is shown as "unmatched" (kept for a human), never dropped from the export.
    status: (PAYMENT_STATUSES as readonly string[]).includes(r.status) ? (r.status as PaymentStatus) : "unmatched",
  }));
}

export interface ExportAuditFilter {
  appkeys: Appkeys;
  userName: string;
  from?: number;
  before?: number;
}

/** One keyset page of the audit log an operator may read (as listAuditEntries scopes it), newest first. */
export async function exportAuditPage(
  db: Db,
  f: ExportAuditFilter,
  afterId: number | null,
  limit: number,
): Promise<ConsoleAuditEntry[]> {
  let q = db.selectFrom("console_audit");
  if (f.appkeys !== null) {
    const keys = keysOf(f.appkeys);
    q = q.where((eb) =>
      eb.or([eb("appkey", "in", keys), eb.and([eb("appkey", "is", null), eb("user_name", "=", f.userName)])]),
    );
  }
  if (f.from !== undefined) q = q.where("at", ">=", f.from);
  if (f.before !== undefined) q = q.where("at", "<", f.before);
  if (afterId !== null) q = q.where("id", "<", afterId);
  return q.selectAll().orderBy("id", "desc").limit(limit).execute();
}

export interface ExportRefundFilter {
  appkeys: Appkeys;
  orderId?: string;
  status?: RefundStatus;
  channelId?: string;
  appkey?: string;
  createdFrom?: number;
  createdBefore?: number;
}

const REFUND_STATUSES: readonly RefundStatus[] = ["requested", "succeeded", "failed", "recorded"];

/** One keyset page of refunds (by id, newest first); a refund carries its merchant, so scope needs no join. */
export async function exportRefundsPage(
  db: Db,
  f: ExportRefundFilter,
  afterId: number | null,
  limit: number,
): Promise<Refund[]> {
  let q = db.selectFrom("refunds");
  if (f.appkeys !== null) q = q.where("appkey", "in", keysOf(f.appkeys));
  if (f.orderId) q = q.where("order_id", "=", f.orderId);
  if (f.status) q = q.where("status", "=", f.status);
  if (f.channelId) q = q.where("channel_id", "=", f.channelId);
  if (f.appkey) q = q.where("appkey", "=", f.appkey);
  if (f.createdFrom !== undefined) q = q.where("created_at", ">=", f.createdFrom);
  if (f.createdBefore !== undefined) q = q.where("created_at", "<", f.createdBefore);
  if (afterId !== null) q = q.where("id", "<", afterId);
  const rows = await q.selectAll().orderBy("id", "desc").limit(limit).execute();
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    amount_fen: Number(r.amount_fen),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
    // As for payments: a status this build does not know is exported as "requested" (not final), never dropped.
    status: REFUND_STATUSES.find((s) => s === r.status) ?? "requested",
  }));
}

/**
 * Orders a payment kept for review may belong to: the same channel, not paid, created in the window before it
 * arrived, the amount to pay within `toleranceFen` of what came in; the closest amount first, then the newest.
 */
export async function reviewCandidateOrders(
  db: Db,
  p: { appkeys: Appkeys; channelId: string; amountFen: number; toleranceFen: number; since: number; until: number },
  limit: number,
): Promise<Order[]> {
  let q = db
    .selectFrom("orders")
    .selectAll()
    .where("channel_id", "=", p.channelId)
    .where("status", "in", ["pending", "expired", "closed"])
    .where("pay_amount_fen", ">=", p.amountFen - p.toleranceFen)
    .where("pay_amount_fen", "<=", p.amountFen + p.toleranceFen)
    .where("created_at", ">=", p.since)
    .where("created_at", "<=", p.until);
  if (p.appkeys !== null) q = q.where("appkey", "in", keysOf(p.appkeys));
  // A bounded set (one channel, one window, a narrow amount band): sorting by distance in JS keeps the SQL portable.
  const rows = (
    await q
      .orderBy("created_at", "desc")
      .limit(limit * 4)
      .execute()
  ).map(toOrder);
  return rows
    .sort(
      (a, b) =>
        Math.abs(a.pay_amount_fen - p.amountFen) - Math.abs(b.pay_amount_fen - p.amountFen) ||
        b.created_at - a.created_at,
    )
    .slice(0, limit);
}
