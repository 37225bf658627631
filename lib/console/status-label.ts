import type { PaymentDecision } from "@/lib/orders/lifecycle";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import type { AttemptOutcome, OrderStatus, PaymentStatus } from "@/lib/storage/records";
import type { RefundStatus } from "@/lib/storage/refund-records";
import type { NotifyStateKey } from "./notify-status";

/**
 * The stored states and reasons the console shows, in the console's words: one table per kind, typed as
 * `Record<Union, …>` so a new member of a union fails the typecheck until it has a label (both languages: the
 * message files share their keys, lib/i18n/console-en.test.ts). The pages show the label with the stored code
 * beside it in small grey type (components/console/coded-label.tsx), since support and the logs speak in codes.
 * A value these tables do not know (a newer version's) shows as stored.
 */
type Label = (m: ConsoleMessages) => string;

export const ORDER_STATUS_LABELS: Record<OrderStatus, Label> = {
  creating: (m) => m.statusCreating,
  pending: (m) => m.statusPending,
  paid: (m) => m.statusPaid,
  expired: (m) => m.statusExpired,
  closed: (m) => m.statusClosed,
};

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, Label> = {
  applied: (m) => m.payStatus_applied,
  mismatched: (m) => m.payStatus_mismatched,
  unmatched: (m) => m.payStatus_unmatched,
  dismissed: (m) => m.payStatus_dismissed,
};

/**
 * Every `payments.reason` Paydesk writes: the lifecycle's decisions (lib/orders/lifecycle.ts), apply-payment's own
 * (`pending` while the row is being decided, `no_order`, `trade_applied`, `late`), the monitor's `stale_push`
 * (lib/orders/provider-notify.ts) and the review's `credited`/`dismissed` (lib/orders/credit-reviewed-payment.ts).
 */
export type PaymentReason =
  | Extract<PaymentDecision, { action: "mismatch" | "reject" }>["reason"]
  | "pending"
  | "no_order"
  | "trade_applied"
  | "late"
  | "stale_push"
  | "credited"
  | "dismissed";

export const PAYMENT_REASON_LABELS: Record<PaymentReason, Label> = {
  pending: (m) => m.payReason_pending,
  no_order: (m) => m.payReason_no_order,
  trade_applied: (m) => m.payReason_trade_applied,
  amount_mismatch: (m) => m.payReason_amount_mismatch,
  type_mismatch: (m) => m.payReason_type_mismatch,
  order_paid: (m) => m.payReason_order_paid,
  order_closed: (m) => m.payReason_order_closed,
  order_not_ready: (m) => m.payReason_order_not_ready,
  grace_passed: (m) => m.payReason_grace_passed,
  late: (m) => m.payReason_late,
  stale_push: (m) => m.payReason_stale_push,
  credited: (m) => m.payReason_credited,
  dismissed: (m) => m.payReason_dismissed,
};

export const NOTIFY_STATE_LABELS: Record<NotifyStateKey, Label> = {
  pending: (m) => m.notifyPending,
  retrying: (m) => m.notifyRetrying,
  delivered: (m) => m.notifyDelivered,
  failed: (m) => m.notifyFailed,
};

export const ATTEMPT_OUTCOME_LABELS: Record<AttemptOutcome, Label> = {
  delivered: (m) => m.attempt_delivered,
  retry: (m) => m.attempt_retry,
  failed: (m) => m.attempt_failed,
};

export const REFUND_STATUS_LABELS: Record<RefundStatus, Label> = {
  requested: (m) => m.refundStatus_requested,
  succeeded: (m) => m.refundStatus_succeeded,
  failed: (m) => m.refundStatus_failed,
  recorded: (m) => m.refundStatus_recorded,
};

function lookup<K extends string>(table: Record<K, Label>, m: ConsoleMessages, code: string): string {
  return Object.hasOwn(table, code) ? table[code as K](m) : code;
}

export const orderStatusLabel = (m: ConsoleMessages, code: string) => lookup(ORDER_STATUS_LABELS, m, code);
export const paymentStatusLabel = (m: ConsoleMessages, code: string) => lookup(PAYMENT_STATUS_LABELS, m, code);
export const paymentReasonLabel = (m: ConsoleMessages, code: string) => lookup(PAYMENT_REASON_LABELS, m, code);
export const notifyStateLabel = (m: ConsoleMessages, code: string) => lookup(NOTIFY_STATE_LABELS, m, code);
export const attemptOutcomeLabel = (m: ConsoleMessages, code: string) => lookup(ATTEMPT_OUTCOME_LABELS, m, code);
export const refundStatusLabel = (m: ConsoleMessages, code: string) => lookup(REFUND_STATUS_LABELS, m, code);
