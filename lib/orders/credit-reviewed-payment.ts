import "server-only";
import type { AppContext } from "@/lib/context";
import { creditOrder, publishPaid } from "./apply-payment";

export type CreditResult =
  | { outcome: "credited"; orderId: string; late: boolean }
  | { outcome: "payment_not_found" | "order_not_found" }
  /** The payment left review meanwhile (credited or dismissed by someone else, or a double click). */
  | { outcome: "payment_settled" }
  /** The order is already paid: crediting it again would pay the shop twice. */
  | { outcome: "order_paid" };

// Thrown inside the transaction to roll back the payment's claim when the order was paid by a racing payment.
class OrderAlreadyPaid extends Error {}

/**
 * An operator credits a payment kept for review (wrong amount, late, closed order, no matching order) to an order.
 * One transaction: take the payment out of review (only one caller can), mark the order paid and write its
 * notification through `creditOrder` — the same code a provider's payment goes through — and log the action. A
 * second credit of the same payment, or of a second payment to the same order, changes nothing.
 */
export async function creditReviewedPayment(
  ctx: AppContext,
  input: { paymentId: number; orderId: string; userName: string; reason: string },
): Promise<CreditResult> {
  const now = ctx.now();
  try {
    const result = await ctx.withTransaction(async (tx): Promise<CreditResult> => {
      const payment = await tx.payments.findPaymentById(input.paymentId);
      if (!payment) return { outcome: "payment_not_found" };
      if (payment.status !== "mismatched" && payment.status !== "unmatched") return { outcome: "payment_settled" };
      const order = await tx.orders.findOrderById(input.orderId);
      if (!order || order.status === "creating") return { outcome: "order_not_found" };
      if (order.status === "paid") return { outcome: "order_paid" };
      if (
        !(await tx.payments.settleReviewedPayment(payment.id, {
          status: "applied",
          orderId: order.id,
          reason: "credited",
        }))
      ) {
        return { outcome: "payment_settled" };
      }
      const late = now > order.expires_at;
      // An operator may credit an order the merchant closed: the customer paid it after all.
      const won = await creditOrder(ctx, tx, order, {
        amountFen: payment.amount_fen,
        late,
        now,
        from: ["pending", "expired", "closed"],
      });
      if (!won) throw new OrderAlreadyPaid();
      await tx.consoleAudit.insertAuditEntry({
        at: now,
        user_name: input.userName,
        action: "credit",
        appkey: order.appkey,
        order_id: order.id,
        payment_id: payment.id,
        reason: input.reason,
        detail: `credited ${payment.amount_fen} fen from ${payment.channel_id}/${payment.trade_no} (was ${payment.status}${payment.reason ? `: ${payment.reason}` : ""})`,
      });
      return { outcome: "credited", orderId: order.id, late };
    });
    if (result.outcome === "credited") await publishPaid(ctx, result.orderId);
    return result;
  } catch (err) {
    if (err instanceof OrderAlreadyPaid) return { outcome: "order_paid" };
    throw err;
  }
}

/** An operator decides a payment kept for review will not be credited; logged with the reason. */
export async function dismissReviewedPayment(
  ctx: AppContext,
  input: { paymentId: number; userName: string; reason: string; appkey: string | null },
): Promise<"dismissed" | "payment_settled"> {
  const now = ctx.now();
  return ctx.withTransaction(async (tx) => {
    const payment = await tx.payments.findPaymentById(input.paymentId);
    if (
      !payment ||
      !(await tx.payments.settleReviewedPayment(payment.id, {
        status: "dismissed",
        orderId: payment.order_id,
        reason: "dismissed",
      }))
    ) {
      return "payment_settled";
    }
    await tx.consoleAudit.insertAuditEntry({
      at: now,
      user_name: input.userName,
      action: "dismiss",
      appkey: input.appkey,
      order_id: payment.order_id,
      payment_id: payment.id,
      reason: input.reason,
      detail: `dismissed ${payment.amount_fen} fen from ${payment.channel_id}/${payment.trade_no} (was ${payment.status}${payment.reason ? `: ${payment.reason}` : ""})`,
    });
    return "dismissed";
  });
}
