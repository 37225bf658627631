import type { Generated } from "kysely";

/**
 * The storage schema, shared by SQLite and PostgreSQL. Money is integer fen; times are integer milliseconds since
 * the epoch (bigint columns); booleans are 0/1 integers so both dialects read them the same way.
 */

/** `creating` is internal: the row claims (appkey, out_order_id) while the provider is asked for a code. */
export type OrderStatus = "creating" | "pending" | "paid" | "expired" | "closed";

export interface OrdersTable {
  id: string;
  appkey: string;
  out_order_id: string;
  custom: string;
  type: string;
  /** The price string exactly as the merchant sent and signed it (idempotency compares it, `params` echoes it). */
  price_raw: string;
  price_fen: number;
  pay_amount_fen: number;
  free_amount: number;
  /** The merchant's create signature, echoed in `data.params`. */
  request_sign: string;
  channel_id: string;
  provider_order_id: string | null;
  payload: string;
  status: OrderStatus;
  late: number;
  real_fen: number | null;
  created_at: number;
  expires_at: number;
  paid_at: number | null;
  closed_at: number | null;
  updated_at: number;
  /** When an instance last asked the provider about this pending order (reconciliation's shared rate limit). */
  reconcile_asked_at: number | null;
}

/** applied: credited an order · mismatched: matched an order but not its amount · unmatched: no payable order. */
export type PaymentStatus = "applied" | "mismatched" | "unmatched";

export interface PaymentsTable {
  id: Generated<number>;
  channel_id: string;
  /** Provider transaction number; (channel_id, trade_no) is unique, which is what makes a payment apply once. */
  trade_no: string;
  order_id: string | null;
  amount_fen: number;
  status: PaymentStatus;
  reason: string | null;
  raw: string;
  received_at: number;
}

export type NotificationStatus = "pending" | "delivered" | "failed";

/** The merchant-notification outbox: one row per paid order, written in the transaction that marks it paid. */
export interface NotificationsTable {
  id: Generated<number>;
  order_id: string;
  url: string;
  /** The signed form body, fixed when the order was paid so every retry sends the same bytes. */
  body: string;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: number;
  /** A claim: while lease_until > now, only lease_owner may deliver this row. */
  lease_until: number;
  lease_owner: string | null;
  created_at: number;
  delivered_at: number | null;
  updated_at: number;
}

export interface NotificationAttemptsTable {
  id: Generated<number>;
  notification_id: number;
  attempt_no: number;
  started_at: number;
  duration_ms: number;
  http_status: number | null;
  /** First 1 KB of the merchant's answer. */
  response_body: string | null;
  error: string | null;
  outcome: "delivered" | "retry" | "failed";
}

/** What the built-in demo shop received (app/demo), verified exactly as a real shop would. */
export interface DemoReceiptsTable {
  id: Generated<number>;
  order_id: string;
  out_order_id: string;
  fields: string;
  verified: number;
  received_at: number;
}

/**
 * The 三网 WeChat/QQ code cache: one row per code the monitor generated. A code is lent to one order at a time
 * (`order_id`, null when released) from `locked_at`; the memo printed into the code is unique per channel.
 */
export interface QrCacheTable {
  id: Generated<number>;
  channel_id: string;
  amount_fen: number;
  memo: string;
  content: string;
  order_id: string | null;
  locked_at: number;
  created_at: number;
}

/** One merchant's orders created on one Asia/Shanghai day (the daily order limit, reserved atomically). */
export interface DailyOrderCountsTable {
  appkey: string;
  /** The day's start, ms since the epoch. */
  day: number;
  count: number;
}

export interface Database {
  orders: OrdersTable;
  payments: PaymentsTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  demo_receipts: DemoReceiptsTable;
  qr_cache: QrCacheTable;
  daily_order_counts: DailyOrderCountsTable;
}
