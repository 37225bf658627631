import type { Generated } from "kysely";
import type { AlertConditionsTable, AlertDeliveriesTable, AlertsTable } from "./alert-records";
import type {
  ConsoleAccountSettingsTable,
  ConsoleSessionActivityColumns,
  ConsoleSetupTokensTable,
  ConsoleUsersTable,
} from "./migration-016-console-users";
import type { RefundsTable, RefundTotalsTable } from "./refund-records";
import type { SettingsAuditTable, SettingsDocumentTable } from "./migration-017-settings";
import type {
  ConsoleAuditEntry,
  ConsoleLoginFailure,
  ConsoleSessionRecord,
  DemoReceipt,
  IssuedSignature,
  Notification,
  NotificationAttempt,
  Order,
  Payment,
  QrCode,
  RequestSignature,
} from "./records";

/**
 * The storage schema, shared by SQLite and PostgreSQL, derived from the domain records (./records.ts). Only what is
 * stored differently is restated: booleans are 0/1 integers and wallets plain strings, so both dialects read them
 * the same way; each repository converts at its boundary, so no row type
 * leaves lib/storage.
 */

export type OrdersTable = Omit<Order, "type" | "free_amount" | "late"> & {
  /** "" while no wallet was chosen (the record's null). */
  type: string;
  free_amount: number;
  late: number;
};

export type PaymentsTable = Omit<Payment, "id"> & {
  id: Generated<number>;
  /** `{amount_fen}:{reported_type or ""}`: with (channel_id, trade_no), the unique key that makes a repeat a no-op. */
  content_key: string;
};

export type NotificationsTable = Omit<Notification, "id"> & { id: Generated<number> };

export type NotificationAttemptsTable = Omit<NotificationAttempt, "id"> & { id: Generated<number> };

export type DemoReceiptsTable = Omit<DemoReceipt, "id" | "verified"> & { id: Generated<number>; verified: number };

export type QrCacheTable = Omit<QrCode, "id"> & { id: Generated<number> };

/** One merchant's orders created on one Asia/Shanghai day (the daily order limit, reserved atomically). */
export interface DailyOrderCountsTable {
  appkey: string;
  /** The day's start, ms since the epoch. */
  day: number;
  count: number;
}
export type ConsoleAuditTable = Omit<ConsoleAuditEntry, "id"> & { id: Generated<number> };
export type ConsoleSessionsTable = ConsoleSessionRecord & ConsoleSessionActivityColumns;
export type ConsoleLoginFailuresTable = Omit<ConsoleLoginFailure, "id"> & { id: Generated<number> };

/**
 * An amount held by one order on one channel and wallet (V免签 channels): payments carry only wallet and amount, so
 * the holder is the order a payment of that amount credits. Free again once `reserved_until` (the order's expiry
 * plus the late grace) passed, or at once when the holder is paid (a closed holder keeps it: a late push is its own).
 */
export interface AmountReservationsTable {
  id: Generated<number>;
  channel_id: string;
  type: string;
  amount_fen: number;
  order_id: string;
  reserved_until: number;
  created_at: number;
}

/** A monitor app's last heartbeat, per channel (ms): a channel whose heartbeat is too old takes no new orders. */
export interface ChannelMonitorsTable {
  channel_id: string;
  last_heart_at: number | null;
}

/** Orders handed to one channel on one Beijing day and their amount (channel budgets, migration 015). */
export interface ChannelBudgetDaysTable {
  channel_id: string;
  /** The day's start, ms since the epoch. */
  day: number;
  orders: number;
  amount_fen: number;
}

/** A channel's rest, and since when its orders count towards a run of unpaid ones (channel budgets, migration 015). */
export interface ChannelRestsTable {
  channel_id: string;
  rest_until: number | null;
  rest_reason: string | null;
  run_since: number;
  updated_at: number;
}

export interface Database {
  orders: OrdersTable;
  payments: PaymentsTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  demo_receipts: DemoReceiptsTable;
  qr_cache: QrCacheTable;
  daily_order_counts: DailyOrderCountsTable;
  amount_reservations: AmountReservationsTable;
  channel_monitors: ChannelMonitorsTable;
  console_audit: ConsoleAuditTable;
  console_sessions: ConsoleSessionsTable;
  console_login_failures: ConsoleLoginFailuresTable;
  console_users: ConsoleUsersTable;
  console_setup_tokens: ConsoleSetupTokensTable;
  console_account_settings: ConsoleAccountSettingsTable;
  issued_signatures: IssuedSignature;
  request_signatures: RequestSignature;
  alert_conditions: AlertConditionsTable;
  alerts: AlertsTable;
  alert_deliveries: AlertDeliveriesTable;
  channel_budget_days: ChannelBudgetDaysTable;
  channel_rests: ChannelRestsTable;
  refunds: RefundsTable;
  refund_totals: RefundTotalsTable;
  settings_document: SettingsDocumentTable;
  settings_audit: SettingsAuditTable;
}
