import "server-only";
import type { AppContext } from "@/lib/context";
import { creditReviewedPayment, dismissReviewedPayment, type CreditResult } from "@/lib/orders/credit-reviewed-payment";
import { canClose } from "@/lib/orders/lifecycle";
import type { Payment } from "@/lib/storage/records";
import { canSeeChannel, canSeeMerchant, type ConsoleScope } from "./console-scope";

/**
 * The console's write actions. Each checks the operator's scope first (another merchant's order or payment is
 * "forbidden", never "not found", so the handler answers 403), then acts and writes the audit log.
 */
export type ActionResult<T extends string> = { outcome: T } | { outcome: "forbidden" } | { outcome: "not_found" };

export const MAX_REASON = 500;

/** A reason an operator must give: trimmed, 1–500 characters. */
export function cleanReason(input: unknown): string | null {
  if (typeof input !== "string") return null;
  const r = input.trim();
  return r.length >= 1 && r.length <= MAX_REASON ? r : null;
}

export async function resendFromConsole(
  ctx: AppContext,
  scope: ConsoleScope,
  orderId: string,
): Promise<ActionResult<"queued" | "nothing_to_resend">> {
  const order = await ctx.repos.orders.findOrderById(orderId);
  if (!order) return { outcome: "not_found" };
  if (!canSeeMerchant(scope, order.appkey)) return { outcome: "forbidden" };
  const now = ctx.now();
  const result = await ctx.withTransaction(async (tx) => {
    const queued = await tx.notifications.requeueNotificationNow(orderId, now);
    await tx.consoleAudit.insertAuditEntry({
      at: now,
      user_name: scope.userName,
      action: "resend",
      appkey: order.appkey,
      order_id: order.id,
      payment_id: null,
      reason: null,
      detail: queued ? "queued again with a fresh retry schedule" : "nothing to resend (delivered, in flight, or none)",
    });
    return { outcome: queued ? ("queued" as const) : ("nothing_to_resend" as const) };
  });
  // After the commit: the dispatcher (here or, on PostgreSQL, on another instance) sends it now, not at its next tick.
  if (result.outcome === "queued") await ctx.events.publish({ type: "notification.due", orderId });
  return result;
}

/** Whether an operator may see a payment kept for review: by its order's merchant, else by the channel it came in on. */
export async function paymentVisible(ctx: AppContext, scope: ConsoleScope, payment: Payment): Promise<boolean> {
  if (scope.appkeys === null) return true;
  if (payment.order_id) {
    const order = await ctx.repos.orders.findOrderById(payment.order_id);
    return order !== undefined && canSeeMerchant(scope, order.appkey);
  }
  return canSeeChannel(scope, payment.channel_id);
}

export async function creditFromConsole(
  ctx: AppContext,
  scope: ConsoleScope,
  input: { paymentId: number; orderId: string; reason: string },
): Promise<ActionResult<CreditResult["outcome"]>> {
  const payment = await ctx.repos.payments.findPaymentById(input.paymentId);
  if (!payment) return { outcome: "not_found" };
  if (!(await paymentVisible(ctx, scope, payment))) return { outcome: "forbidden" };
  const order = await ctx.repos.orders.findOrderById(input.orderId);
  if (!order) return { outcome: "order_not_found" };
  if (!canSeeMerchant(scope, order.appkey)) return { outcome: "forbidden" };
  const result = await creditReviewedPayment(ctx, { ...input, userName: scope.userName });
  ctx.log.info({ user: scope.userName, ...input, outcome: result.outcome }, "console credit from review");
  return { outcome: result.outcome };
}

export async function dismissFromConsole(
  ctx: AppContext,
  scope: ConsoleScope,
  input: { paymentId: number; reason: string },
): Promise<ActionResult<"dismissed" | "payment_settled">> {
  const payment = await ctx.repos.payments.findPaymentById(input.paymentId);
  if (!payment) return { outcome: "not_found" };
  if (!(await paymentVisible(ctx, scope, payment))) return { outcome: "forbidden" };
  const order = payment.order_id ? await ctx.repos.orders.findOrderById(payment.order_id) : undefined;
  const outcome = await dismissReviewedPayment(ctx, {
    ...input,
    userName: scope.userName,
    appkey: order?.appkey ?? null,
  });
  return { outcome };
}

/**
 * "关闭订单": a pending order closed by an operator, as the merchant's own close does (its code cannot be paid any
 * more; a payment that still arrives is kept for review), with the reason in the audit log.
 */
export async function closeFromConsole(
  ctx: AppContext,
  scope: ConsoleScope,
  input: { orderId: string; reason: string },
): Promise<ActionResult<"closed" | "not_pending">> {
  const order = await ctx.repos.orders.findOrderById(input.orderId);
  if (!order || order.status === "creating") return { outcome: "not_found" };
  if (!canSeeMerchant(scope, order.appkey)) return { outcome: "forbidden" };
  const now = ctx.now();
  if (!canClose(order, now)) return { outcome: "not_pending" };
  const closed = await ctx.withTransaction(async (tx) => {
    if (!(await tx.orders.transitionOrder(order.id, ["pending"], "closed", now, { closed_at: now }))) return false;
    await tx.consoleAudit.insertAuditEntry({
      at: now,
      user_name: scope.userName,
      action: "close",
      appkey: order.appkey,
      order_id: order.id,
      payment_id: null,
      reason: input.reason,
      detail: "closed from the console",
    });
    return true;
  });
  if (!closed) return { outcome: "not_pending" };
  await ctx.events.publish({ type: "order.closed", orderId: order.id });
  return { outcome: "closed" };
}

/** A note an operator keeps on an order (any state), in the audit log and so in the order's timeline. */
export async function noteFromConsole(
  ctx: AppContext,
  scope: ConsoleScope,
  input: { orderId: string; text: string },
): Promise<ActionResult<"noted">> {
  const order = await ctx.repos.orders.findOrderById(input.orderId);
  if (!order || order.status === "creating") return { outcome: "not_found" };
  if (!canSeeMerchant(scope, order.appkey)) return { outcome: "forbidden" };
  await ctx.repos.consoleAudit.insertAuditEntry({
    at: ctx.now(),
    user_name: scope.userName,
    action: "note",
    appkey: order.appkey,
    order_id: order.id,
    payment_id: null,
    reason: input.text,
    detail: null,
  });
  return { outcome: "noted" };
}
