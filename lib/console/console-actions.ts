import "server-only";
import type { AppContext } from "@/lib/context";
import { creditReviewedPayment, dismissReviewedPayment, type CreditResult } from "@/lib/orders/credit-reviewed-payment";
import { insertAuditEntry } from "@/lib/storage/console-audit-repo";
import { requeueNotificationNow } from "@/lib/storage/notifications-repo";
import { findOrderById } from "@/lib/storage/orders-repo";
import { findPaymentById, type PaymentRow } from "@/lib/storage/payments-repo";
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

export async function resendFromConsole(ctx: AppContext, scope: ConsoleScope, orderId: string): Promise<ActionResult<"queued" | "nothing_to_resend">> {
  const order = await findOrderById(ctx.db, orderId);
  if (!order) return { outcome: "not_found" };
  if (!canSeeMerchant(scope, order.appkey)) return { outcome: "forbidden" };
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const queued = await requeueNotificationNow(tx, orderId, now);
    await insertAuditEntry(tx, {
      at: now,
      user_name: scope.userName,
      action: "resend",
      appkey: order.appkey,
      order_id: order.id,
      payment_id: null,
      reason: null,
      detail: queued ? "queued again with a fresh retry schedule" : "nothing to resend (delivered, in flight, or none)",
    });
    return { outcome: queued ? "queued" : "nothing_to_resend" };
  });
}

/** Whether an operator may see a payment kept for review: by its order's merchant, else by the channel it came in on. */
export async function paymentVisible(ctx: AppContext, scope: ConsoleScope, payment: PaymentRow): Promise<boolean> {
  if (scope.appkeys === null) return true;
  if (payment.order_id) {
    const order = await findOrderById(ctx.db, payment.order_id);
    return order !== undefined && canSeeMerchant(scope, order.appkey);
  }
  return canSeeChannel(scope, payment.channel_id);
}

export async function creditFromConsole(
  ctx: AppContext,
  scope: ConsoleScope,
  input: { paymentId: number; orderId: string; reason: string },
): Promise<ActionResult<CreditResult["outcome"]>> {
  const payment = await findPaymentById(ctx.db, input.paymentId);
  if (!payment) return { outcome: "not_found" };
  if (!(await paymentVisible(ctx, scope, payment))) return { outcome: "forbidden" };
  const order = await findOrderById(ctx.db, input.orderId);
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
  const payment = await findPaymentById(ctx.db, input.paymentId);
  if (!payment) return { outcome: "not_found" };
  if (!(await paymentVisible(ctx, scope, payment))) return { outcome: "forbidden" };
  const order = payment.order_id ? await findOrderById(ctx.db, payment.order_id) : undefined;
  const outcome = await dismissReviewedPayment(ctx, { ...input, userName: scope.userName, appkey: order?.appkey ?? null });
  return { outcome };
}
