import "server-only";
import { findMerchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { ORDER_ID_PATTERN } from "@/lib/ids";
import { formatYuan } from "@/lib/money";
import { signedReturnUrl } from "@/lib/merchant-notify/messages";
import { effectiveStatus, expiresIn } from "./lifecycle";
import type { PublicOrderView } from "./public-order-view";
import { reconcileForView } from "./reconcile";
import type { Notification, Order } from "@/lib/storage/records";

/** After this long without the shop's `success`, the page may still go back to the shop (DESIGN §1.5). */
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
    await ctx.repos.orders.transitionOrder(order.id, ["pending"], "expired", now);
    // Re-read: a payment may have landed between the read and the transition.
    return ctx.repos.orders.findOrderById(orderId);
  }
  return order;
}

/** The signed return URL, once the page may go back: the shop acknowledged, or it has had 10 s to do so. */
export function returnUrlFor(
  ctx: AppContext,
  order: Order,
  notification: Notification | undefined,
): string | undefined {
  if (order.status !== "paid" || order.paid_at === null) return undefined;
  const acknowledged = notification?.status === "delivered";
  if (!acknowledged && ctx.now() - order.paid_at < RETURN_WITHOUT_ACK_MS) return undefined;
  const merchant = findMerchant(ctx.config, order.appkey);
  return merchant ? signedReturnUrl(merchant, order) : undefined;
}

export async function publicOrderView(ctx: AppContext, orderId: string): Promise<PublicOrderView | undefined> {
  let order = await loadOrderForRead(ctx, orderId);
  if (!order) return undefined;
  // A payment whose notify got lost shows up here: rate-limited upstream query, bounded wait, never fails the view.
  if (order.status === "pending" && (await reconcileForView(ctx, order)))
    order = (await loadOrderForRead(ctx, orderId)) ?? order;
  const now = ctx.now();
  const status = effectiveStatus(order, now) ?? "expired";
  const view: PublicOrderView = {
    order_id: order.id,
    status,
    price: formatYuan(order.price_fen),
    pay_amount: formatYuan(order.pay_amount_fen),
    type: order.type,
    expires_in: expiresIn(order, now),
  };
  if (status === "paid") {
    const returnUrl = returnUrlFor(ctx, order, await ctx.repos.notifications.findNotificationByOrder(order.id));
    if (returnUrl) view.return_url = returnUrl;
  }
  return view;
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
}

export async function merchantOrderView(ctx: AppContext, order: Order): Promise<MerchantOrderView> {
  const now = ctx.now();
  const notification = await ctx.repos.notifications.findNotificationByOrder(order.id);
  const status = effectiveStatus(order, now) ?? "expired";
  const view: MerchantOrderView = {
    order_id: order.id,
    status,
    price: formatYuan(order.price_fen),
    pay_amount: formatYuan(order.pay_amount_fen),
    type: order.type,
    expires_in: expiresIn(order, now),
    out_order_id: order.out_order_id,
    custom: order.custom,
    realprice: order.real_fen === null ? null : formatYuan(order.real_fen),
    paytime: order.paid_at === null ? null : Math.floor(order.paid_at / 1000),
    late: order.late,
    notify_status: notification?.status ?? null,
    notify_attempts: notification?.attempts ?? 0,
    created_at: Math.floor(order.created_at / 1000),
    expires_at: Math.floor(order.expires_at / 1000),
  };
  const returnUrl = status === "paid" ? returnUrlFor(ctx, order, notification) : undefined;
  if (returnUrl) view.return_url = returnUrl;
  return view;
}
