import "server-only";
import { findMerchant } from "@/lib/config/find";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext, OrderMessages } from "@/lib/context";
import { ORDER_ID_PATTERN } from "@/lib/ids";
import { formatYuan } from "@/lib/money";
import { liveOrdersFor } from "@/lib/events/live-orders";
import { effectiveStatus, expiresIn } from "./lifecycle";
import type { PublicOrderView } from "./public-order-view";
import { reconcileForView } from "./reconcile";
import type { Notification, Order } from "@/lib/storage/records";

/**
 * After this long without the shop's `success`, the page may still go back to the shop
 * (docs/contract.md#the-cashier-page).
 */
export const RETURN_WITHOUT_ACK_MS = 10_000;

/**
 * Loads an order for display and enforces expiry on read: a pending order past its time is stored as expired
 * right here, so every reader agrees even before the sweeper runs.
 */
export async function loadOrderForRead(ctx: AppContext, orderId: string): Promise<Order | undefined> {
  if (!ORDER_ID_PATTERN.test(orderId)) return undefined;
  const order = await ctx.repos.orders.findOrderById(orderId);
  if (!order || order.status === "creating") return undefined;
  const now = ctx.now();
  if (order.status === "pending" && effectiveStatus(order, now) === "expired") {
    if (await ctx.repos.orders.transitionOrder(order.id, ["pending"], "expired", now)) {
      await ctx.events.publish({ type: "order.expired", orderId: order.id });
    }
    // Re-read: a payment may have landed between the read and the transition.
    return ctx.repos.orders.findOrderById(orderId);
  }
  return order;
}

/** The signed return URL, once the page may go back: the shop acknowledged, or it has had 10 s to do so. */
function returnUrlAt(
  messages: OrderMessages,
  merchant: Merchant | undefined,
  order: Order,
  notification: Notification | undefined,
  now: number,
): string | undefined {
  if (!returnDue(order, notification, now)) return undefined;
  return merchant ? messages.signedReturnUrl(merchant, order) : undefined;
}

/** Whether the page may go back to the shop now: paid, and the shop acknowledged or has had its 10 s. */
function returnDue(order: Order, notification: Notification | undefined, now: number): boolean {
  if (order.status !== "paid" || order.paid_at === null) return false;
  return notification?.status === "delivered" || now - order.paid_at >= RETURN_WITHOUT_ACK_MS;
}

/**
 * The public view, as a pure function of the order, its notification and the time: expiry comes from the clock
 * (the sweeper stores it), nothing is written and no provider is asked. The return URL is the order's protocol's
 * (`messages`, from the context).
 */
export function buildPublicView(
  messages: OrderMessages,
  merchant: Merchant | undefined,
  order: Order,
  notification: Notification | undefined,
  now: number,
): PublicOrderView {
  const view = orderViewFields(order, now);
  if (view.status === "paid" && returnDue(order, notification, now)) {
    const returnUrl = merchant ? messages.signedReturnUrl(merchant, order) : undefined;
    if (returnUrl) view.return_url = returnUrl;
    else view.settled = true;
  }
  return view;
}

/**
 * The fields every view of an order shares (the payer's and the merchant's), in the order they are sent: the one
 * place that says what an order's status, amounts and time left are as the outside sees them.
 */
function orderViewFields(order: Order, now: number): PublicOrderView {
  return {
    order_id: order.id,
    status: effectiveStatus(order, now) ?? "expired",
    price: formatYuan(order.price_fen),
    pay_amount: formatYuan(order.pay_amount_fen),
    type: order.type,
    expires_in: expiresIn(order, now),
  };
}

/**
 * When the view will change by itself, without any event (ms from `now`): a pending order at its expiry, a paid
 * order whose shop has not answered when the 10 s are up. Undefined when only an event can change it.
 */
export function nextChangeIn(order: Order, notification: Notification | undefined, now: number): number | undefined {
  const status = effectiveStatus(order, now);
  if (status === "pending") return order.expires_at - now;
  if (status === "paid" && order.paid_at !== null && notification?.status !== "delivered") {
    const left = order.paid_at + RETURN_WITHOUT_ACK_MS - now;
    return left > 0 ? left : undefined;
  }
  return undefined;
}

/** An order as the payer's routes read it: from memory (no expiry written on read), undefined when unknown. */
export async function findLiveOrder(ctx: AppContext, orderId: string): Promise<Order | undefined> {
  return (await liveOrdersFor(ctx).snapshot(orderId))?.order;
}

/** The payer's view, from the in-memory live orders (one database read per order until its next event). */
export async function publicOrderView(ctx: AppContext, orderId: string): Promise<PublicOrderView | undefined> {
  const snap = await liveOrdersFor(ctx).snapshot(orderId);
  if (!snap) return undefined;
  return publicViewOf(ctx, snap);
}

/** The public view of an order and its notification as read (a live-orders snapshot), at `now`. */
export function publicViewOf(
  ctx: AppContext,
  snap: { order: Order; notification: Notification | undefined },
  now = ctx.now(),
): PublicOrderView {
  return buildPublicView(ctx.messages, findMerchant(ctx.config, snap.order.appkey), snap.order, snap.notification, now);
}

/**
 * The explicit reconciliation step (the "I have paid" button): a pending order's provider is asked, rate-limited,
 * waiting at most `maxWaitMs`, and the view answered reflects what it said. Never fails the view.
 */
export async function reconciledOrderView(
  ctx: AppContext,
  orderId: string,
  maxWaitMs?: number,
): Promise<PublicOrderView | undefined> {
  const snap = await liveOrdersFor(ctx).snapshot(orderId);
  if (!snap) return undefined;
  if (effectiveStatus(snap.order, ctx.now()) === "pending" && (await reconcileForView(ctx, snap.order, maxWaitMs))) {
    // applyPayment published order.paid, which dropped the cached snapshot: this reads the paid order.
    liveOrdersFor(ctx).changed(orderId);
  }
  return publicOrderView(ctx, orderId);
}

/** The signed merchant view: the public view plus the merchant's own references and delivery state. */
export interface MerchantOrderView extends PublicOrderView {
  out_order_id: string;
  custom: string;
  realprice: string | null;
  paytime: number | null;
  late: boolean;
  notify_status: "pending" | "delivered" | "failed" | null;
  notify_attempts: number;
  created_at: number;
  expires_at: number;
  /** Refunded so far (requested, succeeded or recorded refunds; lib/orders/refunds.ts), "0.00" when none. */
  refunded: string;
  /** What the shop keeps: `realprice` less `refunded`; null until paid. */
  net: string | null;
}

export async function merchantOrderView(ctx: AppContext, order: Order): Promise<MerchantOrderView> {
  const now = ctx.now();
  const notification = await ctx.repos.notifications.findNotificationByOrder(order.id);
  const refundedFen = (await ctx.repos.refunds.refundedFenByOrder([order.id])).get(order.id) ?? 0;
  return buildMerchantView(ctx.messages, findMerchant(ctx.config, order.appkey), order, notification, now, refundedFen);
}

/**
 * The merchant view as a pure function, like `buildPublicView`: the same shared fields, then the merchant's own.
 * Unlike the payer's view it never says `settled` (a shop reads `notify_status`).
 */
export function buildMerchantView(
  messages: OrderMessages,
  merchant: Merchant | undefined,
  order: Order,
  notification: Notification | undefined,
  now: number,
  refundedFen = 0,
): MerchantOrderView {
  const view: MerchantOrderView = {
    ...orderViewFields(order, now),
    out_order_id: order.out_order_id,
    custom: order.custom,
    realprice: order.real_fen === null ? null : formatYuan(order.real_fen),
    paytime: order.paid_at === null ? null : Math.floor(order.paid_at / 1000),
    late: order.late,
    notify_status: notification?.status ?? null,
    notify_attempts: notification?.attempts ?? 0,
    created_at: Math.floor(order.created_at / 1000),
    expires_at: Math.floor(order.expires_at / 1000),
    refunded: formatYuan(refundedFen),
    net: order.real_fen === null ? null : formatYuan(order.real_fen - refundedFen),
  };
  const returnUrl = view.status === "paid" ? returnUrlAt(messages, merchant, order, notification, now) : undefined;
  if (returnUrl) view.return_url = returnUrl;
  return view;
}
