import "server-only";
import type { AppContext } from "@/lib/context";
import { findMerchant } from "@/lib/config";
import { buildNotifyBody } from "@/lib/merchant-notify/messages";
import type { PaymentMatch } from "@/lib/providers/types";
import type { Db } from "@/lib/storage/database";
import { insertNotification } from "@/lib/storage/notifications-repo";
import { findOrderById, findOrderByProviderOrderId, markOrderPaid, type OrderRow } from "@/lib/storage/orders-repo";
import { insertPaymentOnce, setPaymentOutcome } from "@/lib/storage/payments-repo";
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

async function resolveOrder(db: Db, channelId: string, match: PaymentMatch): Promise<OrderRow | undefined> {
  if (match.by === "order_id") {
    const order = await findOrderById(db, match.orderId);
    // A channel may only pay its own orders: a payment signed with one channel's key must never credit an order
    // that another channel (another provider, another key) is collecting.
    return order?.channel_id === channelId ? order : undefined;
  }
  if (match.by === "provider_order_id") return findOrderByProviderOrderId(db, channelId, match.providerOrderId);
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
  if (result.outcome === "applied") {
    // After the commit: the page (held poll) and the dispatcher hear of it now, here and on every other instance.
    await ctx.events.publish({ type: "order.paid", orderId: result.orderId });
    await ctx.events.publish({ type: "notification.due", orderId: result.orderId });
  }
  return result;
}

async function applyInTransaction(ctx: AppContext, payment: VerifiedPayment): Promise<ApplyResult> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx): Promise<ApplyResult> => {
    const paymentId = await insertPaymentOnce(tx, {
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
      await setPaymentOutcome(tx, paymentId, { status: "unmatched", orderId: null, reason: "no_order" });
      return { outcome: "unmatched", orderId: null, reason: "no_order" };
    }
    const merchant = findMerchant(ctx.config, order.appkey);
    const graceMs = (merchant?.late_grace_seconds ?? 600) * 1000;
    const decision = decidePayment(order, payment.amountFen, now, graceMs);

    if (decision.action === "mismatch") {
      await setPaymentOutcome(tx, paymentId, { status: "mismatched", orderId: order.id, reason: "amount_mismatch" });
      return { outcome: "mismatched", orderId: order.id };
    }
    if (decision.action === "reject") {
      await setPaymentOutcome(tx, paymentId, { status: "unmatched", orderId: order.id, reason: decision.reason });
      return { outcome: "unmatched", orderId: order.id, reason: decision.reason };
    }

    const won = await markOrderPaid(tx, order.id, { realFen: payment.amountFen, paidAt: now, late: decision.late });
    if (!won) {
      // Another payment for the same order committed first (a payer who paid twice): keep this one for review.
      await setPaymentOutcome(tx, paymentId, { status: "unmatched", orderId: order.id, reason: "order_paid" });
      return { outcome: "unmatched", orderId: order.id, reason: "order_paid" };
    }
    await setPaymentOutcome(tx, paymentId, {
      status: "applied",
      orderId: order.id,
      reason: decision.late ? "late" : null,
    });
    if (merchant?.notify_url) {
      const paid: OrderRow = {
        ...order,
        status: "paid",
        real_fen: payment.amountFen,
        paid_at: now,
        late: decision.late ? 1 : 0,
      };
      await insertNotification(tx, {
        orderId: order.id,
        url: merchant.notify_url,
        body: buildNotifyBody(merchant, paid),
        now,
      });
    } else {
      ctx.log.error(
        { orderId: order.id, appkey: order.appkey },
        "paid order's merchant has no notify_url; no notification queued",
      );
    }
    return { outcome: "applied", orderId: order.id, late: decision.late };
  });
}
