import type { PayType } from "@/lib/pay-types";

/**
 * The domain records the repositories return and accept: booleans as booleans, wallets as `PayType`, states as
 * unions, money as integer fen and times as integer milliseconds since the epoch. The table types in ./schema.ts are
 * derived from these (only the columns stored differently are restated there), so a new column is added here once.
 * Pure types: importable from anywhere, client code included.
 */

/** `creating` is internal: the row claims (appkey, out_order_id) while the provider is asked for a code. */
export type OrderStatus = "creating" | "pending" | "paid" | "expired" | "closed";

/** Merchant protocols that create orders; the protocol decides the notify and return message formats. */
export type OrderProtocol = "cloudpay" | "epay" | "epay-v2" | "vmq";

export interface Order {
  id: string;
  appkey: string;
  out_order_id: string;
  custom: string;
  /** null while the payer has not chosen a wallet yet (an epay shop sent no `type`): no channel, no code. */
  type: PayType | null;
  /** The price string exactly as the merchant sent and signed it (idempotency compares it, `params` echoes it). */
  price_raw: string;
  price_fen: number;
  pay_amount_fen: number;
  /** The provider let the payer choose the amount (the page then asks for exactly `pay_amount_fen`). */
  free_amount: boolean;
  /** The merchant's create signature, echoed in `data.params`. */
  request_sign: string;
  channel_id: string;
  provider_order_id: string | null;
  payload: string;
  status: OrderStatus;
  /** Paid after it had expired, within the merchant's grace period. */
  late: boolean;
  real_fen: number | null;
  created_at: number;
  expires_at: number;
  paid_at: number | null;
  closed_at: number | null;
  updated_at: number;
  /** When an instance last asked the provider about this pending order (reconciliation's shared rate limit). */
  reconcile_asked_at: number | null;
  protocol: OrderProtocol;
  /** Product name the shop sent (epay `name`), shown on the cashier; empty when none. */
  name: string;
  /** Per-order URLs the request supplied (epay); null means the merchant's configured ones. */
  notify_url: string | null;
  return_url: string | null;
  /** sha256 of the protocol's request fields, for idempotency when a protocol has more than price/type/custom. */
  request_digest: string | null;
}

/**
 * applied: credited an order · mismatched: matched an order but not its amount · unmatched: no payable order ·
 * dismissed: an operator looked at it and decided not to credit it (merchant console, with a reason in the audit log).
 */
export type PaymentStatus = "applied" | "mismatched" | "unmatched" | "dismissed";

/** One provider transaction, kept whether or not it could be credited. */
export interface Payment {
  id: number;
  channel_id: string;
  /**
   * Provider transaction number. A trade is recorded once per content (amount, and wallet where reported): an exact
   * repeat is a no-op, while a notify of the same trade with other content is a row of its own (migration 012).
   */
  trade_no: string;
  order_id: string | null;
  amount_fen: number;
  status: PaymentStatus;
  reason: string | null;
  /** The provider's verified fields as JSON. */
  raw: string;
  received_at: number;
  /**
   * The wallet the provider's notify names (in Paydesk's words where it is one of them, else as sent); null when the
   * provider reports none (and for rows from before migration 012).
   */
  reported_type: string | null;
  /** Another payment of the same trade this one is to be read with: the one that applied, or the trade's first. */
  related_payment_id: number | null;
}

export type NotificationStatus = "pending" | "delivered" | "failed";

/** POST sends `body` as a form (云端); GET sends nothing, its URL carries the signed query (epay, V免签). */
export type NotificationMethod = "POST" | "GET";

/** The merchant-notification outbox: one record per paid order, written in the transaction that marks it paid. */
export interface Notification {
  id: number;
  order_id: string;
  url: string;
  /** The signed form body, fixed when the order was paid so every retry sends the same bytes. */
  body: string;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: number;
  /** A claim: while lease_until > now, only lease_owner may deliver this record. */
  lease_until: number;
  lease_owner: string | null;
  created_at: number;
  delivered_at: number | null;
  updated_at: number;
  method: NotificationMethod;
}

export type AttemptOutcome = "delivered" | "retry" | "failed";

/** One delivery attempt of a merchant notification. */
export interface NotificationAttempt {
  id: number;
  notification_id: number;
  attempt_no: number;
  started_at: number;
  duration_ms: number;
  http_status: number | null;
  /** First 1 KB of the merchant's answer. */
  response_body: string | null;
  error: string | null;
  outcome: AttemptOutcome;
  /** The notification doctor's class of a failed attempt (`class` or `class:detail`, migration 013), else null. */
  doctor_class?: string | null;
}

/** What the built-in demo shop received (app/demo), verified exactly as a real shop would. */
export interface DemoReceipt {
  id: number;
  order_id: string;
  out_order_id: string;
  /** The received form fields as JSON. */
  fields: string;
  verified: boolean;
  received_at: number;
}

/**
 * A 三网 WeChat/QQ cached code: one per code the monitor generated. A code is lent to one order at a time
 * (`order_id`, null when released) from `locked_at`; the memo printed into the code is unique per channel.
 */
export interface QrCode {
  id: number;
  channel_id: string;
  amount_fen: number;
  memo: string;
  content: string;
  order_id: string | null;
  locked_at: number;
  created_at: number;
}

export type ConsoleAction =
  | "login"
  | "logout"
  | "resend"
  | "credit"
  | "dismiss"
  /** The console's operations page (issue 20): one shop's failing notifications resent at once, a test alert. */
  | "resend_shop"
  | "test_alert"
  /** The console's order operations (lib/console/order-ops.ts): a pending order closed, a note kept on an order. */
  | "close"
  | "note"
  /** A refund asked from the console (lib/orders/refunds.ts): by the provider, or recorded as paid back by hand. */
  | "refund"
  /** Not an operator's: Paydesk's own note that a channel could not make an order's code (user_name "paydesk"). */
  | "code_failed"
  /** Accounts (lib/console/accounts.ts, setup.ts): users managed by owners, one's own password and second factor. */
  | "user_create"
  | "user_update"
  | "user_delete"
  | "user_reset_totp"
  | "user_reset_password"
  | "account_settings"
  | "password_change"
  | "totp_enable"
  | "totp_disable"
  | "sessions_end"
  | "setup";

/** One operator action in the merchant console (migration 007). */
export interface ConsoleAuditEntry {
  id: number;
  at: number;
  user_name: string;
  action: ConsoleAction;
  /** The merchant the action concerned, when there is one (scopes who may read the entry). */
  appkey: string | null;
  order_id: string | null;
  payment_id: number | null;
  /** What the operator typed (credit and dismiss require one). */
  reason: string | null;
  /** A short machine-written note, e.g. the outcome. */
  detail: string | null;
}

/** A signed-in console operator (migration 011): one row per session, ended by deleting it. */
export interface ConsoleSessionRecord {
  /** SHA-256 (hex) of the session id; the id itself is only in the operator's cookie. */
  id_hash: string;
  user_name: string;
  /** A tag of the user's password hash at login: a changed password in the config ends the session. */
  pw_tag: string;
  created_at: number;
  /** created_at + 8 h: the absolute expiry, whatever the operator does. */
  expires_at: number;
}

/** One failed console login (migration 011), kept for an hour for the login throttle. */
export interface ConsoleLoginFailure {
  id: number;
  at: number;
  /** The typed user name, lower-cased: "Ops" and "ops" count together. */
  user_key: string;
  ip: string;
}

/**
 * A signature Paydesk put into a message it sent (a notify, a return URL; migration 010), remembered so that it is
 * never accepted back as a request's signature. Pruned by age (lib/orders/signature-guard.ts says how long).
 */
export interface IssuedSignature {
  /** Lower-case hex. */
  sign: string;
  appkey: string;
  order_id: string;
  issued_at: number;
}

/** The create signature an order was made with (migration 010): one signature, at most one order per merchant. */
export interface RequestSignature {
  appkey: string;
  /** Lower-case hex. */
  sign: string;
  order_id: string;
  created_at: number;
}
