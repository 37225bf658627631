import "server-only";
import type { AppContext } from "@/lib/context";
import { findMerchant } from "@/lib/config";
import { notificationFor } from "@/lib/merchant-notify/messages";
import type { PaymentMatch } from "@/lib/providers/types";
import type { Order } from "@/lib/storage/records";
import type { Repositories } from "@/lib/storage/repositories";
import { decidePayment } from "./lifecycle";

/** A verified upstream payment, normalised by its provider. */
export interface VerifiedPayment {
  channelId: string;
  tradeNo: string;
  amountFen: number;
  match: PaymentMatch;
  raw: Record<string, unknown>;
}

export type ApplyResult =
  | { outcome: "applied"; orderId: string; late: boolean }
  | { outcome: "duplicate" }
  | { outcome: "mismatched"; orderId: string }
  | { outcome: "unmatched"; orderId: string | null; reason: string };

async function resolveOrder(repos: Repositories, channelId: string, match: PaymentMatch): Promise<Order | undefined> {
  if (match.by === "order_id") {
    const order = await repos.orders.findOrderById(match.orderId);
    // A channel may only pay its own orders: a payment signed with one channel's key must never credit an order
    // that another channel (another provider, another key) is collecting.
    return order?.channel_id === channelId ? order : undefined;
  }
  if (match.by === "provider_order_id")
    return repos.orders.findOrderByProviderOrderId(channelId, match.providerOrderId);
  return undefined;
}

/**
 * Applies one verified payment, at most once, in one transaction: record the trade number first (its unique key
 * turns every duplicate, sequential or concurrent, into a no-op), then credit the order if it is payable with that
 * exact amount and write the merchant-notification outbox row. A payment that cannot be credited is kept
 * (mismatched/unmatched) for review. Nothing here trusts anything but the provider-verified fields.
 */
export async function applyPayment(ctx: AppContext, payment: VerifiedPayment): Promise<ApplyResult> {
  const result = await applyInTransaction(ctx, payment);
  if (result.outcome === "applied") await publishPaid(ctx, result.orderId);
  return result;
}

/**
 * After the commit of a `creditOrder`: the page (held poll) and the dispatcher hear of it now, here and on every
 * other instance. Never inside the transaction: a listener would read the order before it is paid.
 */
export async function publishPaid(ctx: AppContext, orderId: string): Promise<void> {
  await ctx.events.publish({ type: "order.paid", orderId });
  await ctx.events.publish({ type: "notification.due", orderId });
}

async function applyInTransaction(ctx: AppContext, payment: VerifiedPayment): Promise<ApplyResult> {
  const now = ctx.now();
  return ctx.withTransaction(async (tx): Promise<ApplyResult> => {
    const paymentId = await tx.payments.insertPaymentOnce({
      channel_id: payment.channelId,
      trade_no: payment.tradeNo,
      order_id: null,
      amount_fen: payment.amountFen,
      status: "unmatched",
      reason: "pending",
      raw: JSON.stringify(payment.raw),
      received_at: now,
    });
    if (paymentId === null) return { outcome: "duplicate" };

    const order = await resolveOrder(tx, payment.channelId, payment.match);
    if (!order) {
      await tx.payments.setPaymentOutcome(paymentId, { status: "unmatched", orderId: null, reason: "no_order" });
      return { outcome: "unmatched", orderId: null, reason: "no_order" };
    }
    const merchant = findMerchant(ctx.config, order.appkey);
    const graceMs = (merchant?.late_grace_seconds ?? 600) * 1000;
    const decision = decidePayment(order, payment.amountFen, now, graceMs);

    if (decision.action === "mismatch") {
      await tx.payments.setPaymentOutcome(paymentId, {
        status: "mismatched",
        orderId: order.id,
        reason: "amount_mismatch",
      });
      return { outcome: "mismatched", orderId: order.id };
    }
    if (decision.action === "reject") {
      await tx.payments.setPaymentOutcome(paymentId, {
        status: "unmatched",
        orderId: order.id,
        reason: decision.reason,
      });
      return { outcome: "unmatched", orderId: order.id, reason: decision.reason };
    }

    const won = await creditOrder(ctx, tx, order, { amountFen: payment.amountFen, late: decision.late, now });
    if (!won) {
      // Another payment for the same order committed first (a payer who paid twice): keep this one for review.
      await tx.payments.setPaymentOutcome(paymentId, { status: "unmatched", orderId: order.id, reason: "order_paid" });
      return { outcome: "unmatched", orderId: order.id, reason: "order_paid" };
    }
    await tx.payments.setPaymentOutcome(paymentId, {
      status: "applied",
      orderId: order.id,
      reason: decision.late ? "late" : null,
    });
    return { outcome: "applied", orderId: order.id, late: decision.late };
  });
}

/**
 * The one place an order becomes paid: the guarded state change plus the merchant-notification outbox row, inside
 * the caller's transaction `tx`. Both a provider's payment (above) and an operator's credit from review
 * (credit-reviewed-payment.ts) go through here, so the shop is told once, in the same signed form, either way.
 * Returns false when the order was no longer payable (another payment won); nothing is written then.
 */
export async function creditOrder(
  ctx: AppContext,
  tx: Repositories,
  order: Order,
  p: { amountFen: number; late: boolean; now: number; from?: Parameters<Repositories["orders"]["markOrderPaid"]>[2] },
): Promise<boolean> {
  const won = await tx.orders.markOrderPaid(order.id, { realFen: p.amountFen, paidAt: p.now, late: p.late }, p.from);
  if (!won) return false;
  // Paid: an amount the order held (V免签 channels) may go to the next order.
  await tx.amounts.releaseAmountsOf(order.id);
  const merchant = findMerchant(ctx.config, order.appkey);
  const paid: Order = { ...order, status: "paid", real_fen: p.amountFen, paid_at: p.now, late: p.late };
  // In the format of the protocol that made the order (云端 form POST, epay GET with the signed query).
  const message = merchant ? notificationFor(merchant, paid) : null;
  if (message) {
    await tx.notifications.insertNotification({ orderId: order.id, ...message, now: p.now });
  } else {
    ctx.log.error({ orderId: order.id, appkey: order.appkey }, "paid order has no notify URL; no notification queued");
  }
  return true;
}
