import "server-only";
import { findChannel, findMerchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { liveOrdersFor } from "@/lib/events/live-orders";
import { buildPublicView, findLiveOrder, type PublicOrderView } from "@/lib/orders/order-views";
import { PAY_TYPES, type PayType } from "@/lib/pay-types";
import { planPayment, type PayPlan } from "./pay-plan";
import { payloadKind, type PayloadKind } from "./payload-kind";
import { detectAgent } from "./user-agent";

/** Set by proxy.ts when `/pay/{id}` names no order: the not-found page then speaks of an order, not a page. */
export const NOT_FOUND_HEADER = "x-paydesk-not-found";
/** Where proxy.ts rewrites an unknown order: a private (`_`) path that no route matches, so the root not-found renders. */
export const NOT_FOUND_PATH = "/_paydesk-not-found";

/** Everything the cashier page renders on the server, with nothing secret in it (parts are serialised to the client). */
export interface CashierModel {
  view: PublicOrderView;
  type: PayType;
  merchantName: string;
  /** What the QR encodes. */
  payload: string;
  payloadKind: PayloadKind;
  plan: PayPlan;
  freeAmount: boolean;
  sandbox: boolean;
  timeoutUrl: string | null;
  /** The shop's site (origin of its return URL): the "back to the shop" link of an expired page. */
  shopHome: string | null;
  /** Origins allowed to frame the page and to receive its postMessages. */
  embedOrigins: string[];
  /** Server time when the page was rendered and the absolute expiry, both ms: the countdown never trusts the client clock. */
  serverNow: number;
  expiresAt: number;
  createdAt: number;
}

export async function loadCashierModel(
  ctx: AppContext,
  orderId: string,
  request: { userAgent: string | null },
): Promise<CashierModel | undefined> {
  // One read (shared with the proxy's, and with the status polls, until the order's next event).
  const snap = await liveOrdersFor(ctx).snapshot(orderId);
  if (!snap) return undefined;
  const { order } = snap;
  const merchant = findMerchant(ctx.config, order.appkey);
  const serverNow = ctx.now();
  const view = buildPublicView(merchant, order, snap.notification, serverNow);
  const channel = findChannel(ctx.config, order.channel_id);
  const type: PayType = (PAY_TYPES as readonly string[]).includes(order.type) ? (order.type as PayType) : "alipay";
  const kind = payloadKind(type, order.payload, `${ctx.config.baseUrl}/pay/${order.id}`);
  return {
    view,
    type,
    merchantName: merchant?.name ?? "",
    payload: order.payload,
    payloadKind: kind,
    plan: planPayment(type, kind, order.payload, detectAgent(request.userAgent)),
    freeAmount: order.free_amount === 1,
    sandbox: channel?.provider === "sandbox",
    timeoutUrl: merchant?.timeout_url ?? null,
    shopHome: merchant?.return_url ? new URL(merchant.return_url).origin : null,
    embedOrigins: merchant?.embed_origins ?? [],
    serverNow,
    expiresAt: order.expires_at,
    createdAt: order.created_at,
  };
}

/** The origins that may frame an order's page, for the `frame-ancestors` header; undefined when there is no such order. */
export async function frameAncestorsFor(ctx: AppContext, orderId: string): Promise<string[] | undefined> {
  const order = await findLiveOrder(ctx, orderId);
  if (!order) return undefined;
  const origins = findMerchant(ctx.config, order.appkey)?.embed_origins ?? [];
  return origins.map((o) => new URL(o).origin);
}
