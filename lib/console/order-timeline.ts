import "server-only";
import type { AppContext } from "@/lib/context";
import { formatYuan } from "@/lib/money";
import { effectiveStatus } from "@/lib/orders/lifecycle";
import type { PublicStatus } from "@/lib/orders/public-order-view";
import type { Notification, Order } from "@/lib/storage/records";
import { canSeeMerchant, type ConsoleScope } from "./console-scope";
import { parseDoctorCode, type Diagnosis } from "@/lib/merchant-notify/doctor";
import { notifyState, type NotifyState } from "./notify-status";

/** One line of an order's history, oldest first. `detail` is shown as-is (already cut to a readable length). */
export type TimelineEvent =
  | { at: number; kind: "created"; payload: string; channel: string; payAmountFen: number }
  | {
      at: number;
      kind: "payment";
      paymentId: number;
      amountFen: number;
      status: string;
      /** The payment's reason, followed by the payments of the same trade it is linked with (`#id status yuan`). */
      reason: string | null;
      tradeNo: string;
      channel: string;
      raw: string;
      /** The payment of the same trade this one is read with: the one that applied (a wrong notify kept for review). */
      relatedPaymentId: number | null;
    }
  | { at: number; kind: "state"; status: PublicStatus; late?: boolean }
  | { at: number; kind: "notify_queued"; url: string }
  | {
      at: number;
      kind: "attempt";
      attemptNo: number;
      outcome: string;
      httpStatus: number | null;
      body: string;
      durationMs: number;
      /** The notification doctor's reading of a failed attempt (class and detail), null when delivered or unread. */
      diagnosis: Diagnosis | null;
    }
  | { at: number; kind: "operator"; action: string; user: string; reason: string | null; detail: string | null };

export interface OrderTimeline {
  order: Order;
  status: PublicStatus | null;
  notification: Notification | undefined;
  /** The notification's state as the console names it (失败重试中 with the next attempt, not 发送中). */
  notify: NotifyState | null;
  events: TimelineEvent[];
}

/** Shown length of a shop's answer in the timeline (the log keeps the first 1 KB). */
export const BODY_EXCERPT = 300;

function excerpt(s: string | null): string {
  if (!s) return "";
  return s.length > BODY_EXCERPT ? `${s.slice(0, BODY_EXCERPT)}…` : s;
}

export type TimelineResult =
  { outcome: "ok"; timeline: OrderTimeline } | { outcome: "not_found" } | { outcome: "forbidden" };

/** Everything that happened to one order, for an operator allowed to see its merchant. */
export async function loadOrderTimeline(
  ctx: AppContext,
  scope: ConsoleScope,
  orderId: string,
): Promise<TimelineResult> {
  const order = await ctx.repos.orders.findOrderById(orderId);
  if (!order || order.status === "creating") return { outcome: "not_found" };
  if (!canSeeMerchant(scope, order.appkey)) return { outcome: "forbidden" };
  const [payments, notification, audit] = await Promise.all([
    ctx.repos.payments.listPaymentsForOrder(order.id),
    ctx.repos.notifications.findNotificationByOrder(order.id),
    ctx.repos.consoleAudit.listAuditForOrder(order.id),
  ]);
  const attempts = notification ? await ctx.repos.notifications.listAttempts(notification.id) : [];
  const now = ctx.now();
  const status = effectiveStatus(order, now);
  const events: TimelineEvent[] = [
    {
      at: order.created_at,
      kind: "created",
      payload: order.payload,
      channel: order.channel_id,
      payAmountFen: order.pay_amount_fen,
    },
  ];
  for (const p of payments) {
    // Notifies of one trade with different content (a wrong amount kept for review, the genuine one that applied)
    // are linked both ways; the link is written into the shown reason.
    const linked = payments.filter((q) => q.id === p.related_payment_id || q.related_payment_id === p.id);
    const links = linked.map((q) => `#${q.id} ${q.status} ${formatYuan(q.amount_fen)}`).join(", ");
    events.push({
      at: p.received_at,
      kind: "payment",
      paymentId: p.id,
      amountFen: p.amount_fen,
      status: p.status,
      reason: links ? `${p.reason ? `${p.reason} · ` : ""}#${p.id} ↔ ${links}` : p.reason,
      tradeNo: p.trade_no,
      channel: p.channel_id,
      raw: excerpt(p.raw),
      relatedPaymentId: p.related_payment_id,
    });
  }
  if (status === "expired" || order.late) events.push({ at: order.expires_at, kind: "state", status: "expired" });
  if (order.closed_at !== null) events.push({ at: order.closed_at, kind: "state", status: "closed" });
  if (order.paid_at !== null) events.push({ at: order.paid_at, kind: "state", status: "paid", late: order.late });
  if (notification) events.push({ at: notification.created_at, kind: "notify_queued", url: notification.url });
  for (const a of attempts) {
    events.push({
      at: a.started_at,
      kind: "attempt",
      attemptNo: a.attempt_no,
      outcome: a.outcome,
      httpStatus: a.http_status,
      body: excerpt(a.error ?? a.response_body),
      durationMs: a.duration_ms,
      diagnosis: a.outcome === "delivered" ? null : parseDoctorCode(a.doctor_class),
    });
  }
  for (const e of audit)
    events.push({
      at: e.at,
      kind: "operator",
      action: e.action,
      user: e.user_name,
      reason: e.reason,
      detail: e.detail,
    });
  // Stable sort: same-millisecond events keep their causal order (payment before paid before queued).
  events.sort((a, b) => a.at - b.at);
  // By time, not attempt_no: a resend numbers its attempts from 1 again.
  const lastFailed = attempts
    .filter((a) => a.outcome !== "delivered")
    .reduce<(typeof attempts)[number] | undefined>((x, a) => (x && x.started_at >= a.started_at ? x : a), undefined);
  const notify = notification ? notifyState(notification, lastFailed?.doctor_class) : null;
  return { outcome: "ok", timeline: { order, status, notification, notify, events } };
}
