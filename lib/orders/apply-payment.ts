import "server-only";
import type { AppContext } from "@/lib/context";
import { channelMayRest } from "@/lib/channels/channel-budget";
import { findMerchant } from "@/lib/config/find";
import type { PaymentMatch } from "@/lib/providers/types";
import type { Order, Payment } from "@/lib/storage/records";
import type { Repositories } from "@/lib/storage/repositories";
import { decidePayment, lostRaceReason } from "./lifecycle";
import { recordIssuedSignatures } from "./signature-guard";

/** A verified upstream payment, normalised by its provider. */
export interface VerifiedPayment {
  channelId: string;
  tradeNo: string;
  amountFen: number;
  /** The wallet the provider says was used, when its notify reports one: compared with the order's. */
  type?: string;
  match: PaymentMatch;
  raw: Record<string, unknown>;
}

export type ApplyResult =
  | { outcome: "applied"; orderId: string; late: boolean }
  | { outcome: "duplicate" }
  | { outcome: "mismatched"; orderId: string; reason: "amount_mismatch" | "type_mismatch" }
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
 * Applies one verified payment, at most once, in one transaction: record the trade first (an exact repeat of a
 * known trade — same number, same content — is a no-op, sequential or concurrent), then credit the order if it is
 * payable with that exact amount (and wallet, where reported) and write the merchant-notification outbox row. A
 * payment that cannot be credited is kept (mismatched/unmatched) for review. The same trade number with other
 * content is a payment of its own: a wrong one cannot use the number up, so the genuine one still applies, and the
 * wrong one is linked to it for review. A trade credits at most one order. Nothing here trusts anything but the
 * provider-verified fields.
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
      reported_type: payment.type ?? null,
      status: "unmatched",
      reason: "pending",
      raw: JSON.stringify(payment.raw),
      received_at: now,
    });
    if (paymentId === null) return { outcome: "duplicate" };

    // Notifies of this trade with other content, recorded before this one (usually none).
    const others = (await tx.payments.listPaymentsForTrade(payment.channelId, payment.tradeNo)).filter(
      (p) => p.id !== paymentId,
    );
    const credited = others.find((p) => p.status === "applied");
    const keep = async (status: "mismatched" | "unmatched", orderId: string | null, reason: string): Promise<void> => {
      await tx.payments.setPaymentOutcome(paymentId, { status, orderId, reason });
      // Read with the one of its trade that applied (or the trade's first notify, until one does).
      const anchor = credited ?? others[0];
      if (anchor) await tx.payments.linkPayments([paymentId], anchor.id);
    };

    const order = await resolveOrder(tx, payment.channelId, payment.match);
    if (!order) {
      await keep("unmatched", null, "no_order");
      return { outcome: "unmatched", orderId: null, reason: "no_order" };
    }
    if (credited && credited.order_id !== order.id) {
      // The provider's trade already paid another order: one real payment never pays two.
      await keep("unmatched", order.id, "trade_applied");
      return { outcome: "unmatched", orderId: order.id, reason: "trade_applied" };
    }
    const merchant = findMerchant(ctx.config, order.appkey);
    const graceMs = (merchant?.late_grace_seconds ?? 600) * 1000;
    const decision = decidePayment(order, payment.amountFen, now, graceMs, payment.type);

    if (decision.action === "mismatch") {
      await keep("mismatched", order.id, decision.reason);
      return { outcome: "mismatched", orderId: order.id, reason: decision.reason };
    }
    if (decision.action === "reject") {
      await keep("unmatched", order.id, decision.reason);
      return { outcome: "unmatched", orderId: order.id, reason: decision.reason };
    }

    const won = await creditOrder(ctx, tx, order, { amountFen: payment.amountFen, late: decision.late, now });
    if (!won) {
      // Something changed the order after it was read: another payment for it (a payer who paid twice), or a
      // merchant's close on another instance. The order as it is now, re-read after the guarded update, says which.
      const reason = lostRaceReason(await tx.orders.findOrderById(order.id));
      await keep("unmatched", order.id, reason);
      return { outcome: "unmatched", orderId: order.id, reason };
    }
    await tx.payments.setPaymentOutcome(paymentId, {
      status: "applied",
      orderId: order.id,
      reason: decision.late ? "late" : null,
    });
    await tx.payments.linkPayments(
      others.filter(inReview).map((p) => p.id),
      paymentId,
    );
    return { outcome: "applied", orderId: order.id, late: decision.late };
  });
}

const inReview = (p: Payment) => p.status === "mismatched" || p.status === "unmatched";

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
  // A payment ends its channel's rest and run of unpaid orders (docs/contract.md#channel-budgets).
  if (channelMayRest(ctx.config, order.channel_id)) await tx.channelBudgets.notePaid(order.channel_id, p.now);
  const merchant = findMerchant(ctx.config, order.appkey);
  const paid: Order = { ...order, status: "paid", real_fen: p.amountFen, paid_at: p.now, late: p.late };
  // In the format of the protocol that made the order (云端 form POST, epay GET with the signed query).
  const message = merchant ? ctx.messages.notificationFor(merchant, paid) : null;
  if (message) {
    await tx.notifications.insertNotification({ orderId: order.id, ...message, now: p.now });
  } else {
    ctx.log.error({ orderId: order.id, appkey: order.appkey }, "paid order has no notify URL; no notification queued");
  }
  // The notify's and the return URL's signatures, in the same transaction: never accepted back as a request.
  await recordIssuedSignatures(ctx, tx, merchant, paid, p.now);
  return true;
}
