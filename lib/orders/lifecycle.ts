import type { Order } from "@/lib/storage/records";
import type { PublicStatus } from "./public-order-view";

/**
 * The order state machine (docs/contract.md#order-lifecycle), as pure functions of an order row and the time:
 *   pending → paid      a matched payment of exactly the amount to pay
 *   pending → expired   the TTL passed (the sweeper and every read enforce it)
 *   pending → closed    the merchant closed it
 *   expired → paid      late=true, when the payment arrives within the grace period its code stays reserved
 * Everything else is terminal.
 */

/** What the payer and the merchant see, with expiry applied from the clock even before the sweeper ran. */
export function effectiveStatus(order: Pick<Order, "status" | "expires_at">, now: number): PublicStatus | null {
  switch (order.status) {
    case "creating":
      return null;
    case "pending":
      return now >= order.expires_at ? "expired" : "pending";
    default:
      return order.status;
  }
}

export type PaymentDecision =
  | { action: "apply"; late: boolean }
  | { action: "mismatch"; reason: "amount_mismatch" | "type_mismatch" }
  | { action: "reject"; reason: "order_paid" | "order_closed" | "order_not_ready" | "grace_passed" };

/**
 * What to do with a verified payment of `amountFen` for `order` arriving at `now`. Only the exact amount to pay, in
 * the order's wallet when the provider reports one (`reportedType`), credits an order: a short or long payment, or
 * one the provider says was made with another wallet, is kept for review, never silently credited.
 */
export function decidePayment(
  order: Pick<Order, "status" | "expires_at" | "pay_amount_fen" | "type">,
  amountFen: number,
  now: number,
  graceMs: number,
  reportedType?: string,
): PaymentDecision {
  if (order.status === "paid") return { action: "reject", reason: "order_paid" };
  if (order.status === "closed") return { action: "reject", reason: "order_closed" };
  if (order.status === "creating") return { action: "reject", reason: "order_not_ready" };
  if (now > order.expires_at + graceMs) return { action: "reject", reason: "grace_passed" };
  if (amountFen !== order.pay_amount_fen) return { action: "mismatch", reason: "amount_mismatch" };
  if (reportedType !== undefined && reportedType !== order.type) return { action: "mismatch", reason: "type_mismatch" };
  return { action: "apply", late: now > order.expires_at };
}

/**
 * Why a payment decided "apply" did not credit the order after all: the guarded update found it no longer payable.
 * `current` is the order as re-read after that update, inside the same transaction (on PostgreSQL the update waited
 * for the racing writer and the re-read sees its commit), so the reason is the state that actually beat it — a
 * merchant's close on another instance, not a second payment.
 */
export function lostRaceReason(
  current: Pick<Order, "status"> | undefined,
): "order_paid" | "order_closed" | "order_not_ready" {
  if (current?.status === "closed") return "order_closed";
  if (current === undefined || current.status === "creating") return "order_not_ready";
  return "order_paid";
}

/** Whole seconds left to pay (0 once expired), rounded up so the page never shows 0 while still payable. */
export function expiresIn(order: Pick<Order, "status" | "expires_at">, now: number): number {
  if (effectiveStatus(order, now) !== "pending") return 0;
  return Math.max(0, Math.ceil((order.expires_at - now) / 1000));
}

/** A merchant may close only an order that is still waiting for payment. */
export function canClose(order: Pick<Order, "status" | "expires_at">, now: number): boolean {
  return effectiveStatus(order, now) === "pending";
}
