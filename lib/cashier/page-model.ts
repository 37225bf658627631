import "server-only";
import { findChannel, findMerchant } from "@/lib/config/find";
import type { AppContext } from "@/lib/context";
import { liveOrdersFor } from "@/lib/events/live-orders";
import { buildPublicView, findLiveOrder } from "@/lib/orders/order-views";
import type { PublicOrderView } from "@/lib/orders/public-order-view";
import { availableTypes } from "@/lib/channels/channel-choice";
import type { PayType } from "@/lib/pay-types";
import { layoutFor, planPayment, type PayPlan } from "./pay-plan";
import { payloadKind, type PayloadKind } from "@/lib/orders/payload-kind";
import { detectAgent } from "./user-agent";

/** Set by proxy.ts when `/pay/{id}` names no order: the not-found page then speaks of an order, not a page. */
export const NOT_FOUND_HEADER = "x-paydesk-not-found";
/** Where proxy.ts rewrites an unknown order: a private (`_`) path that no route matches, so the root not-found renders. */
export const NOT_FOUND_PATH = "/_paydesk-not-found";

/** Everything the cashier page renders on the server, with nothing secret in it (parts are serialised to the client). */
export interface CashierModel {
  kind: "pay";
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
  /**
   * The product name the shop sent: epay `name`. Empty when none; the 云端 create and V免签's createOrder carry no
   * product (云端 `custom` and V免签 `param` are opaque references for the shop, not shown).
   */
  productName: string;
  /** Where "cancel, back to the shop" leads: the way the timeout does (timeout URL, else the shop's site). */
  backUrl: string | null;
}

/**
 * The page of an order that has no wallet yet (an epay shop sent no `type`): the payer chooses among the wallets the
 * merchant can take now; `generating` once a choice was made and the code is on its way.
 */
export interface ChooserModel {
  kind: "choose";
  view: PublicOrderView;
  merchantName: string;
  productName: string;
  layout: PayPlan["layout"];
  types: PayType[];
  generating: boolean;
  /** The way back to the shop, as for expiry (timeout URL, else the shop's site); null when unknown. */
  backUrl: string | null;
  embedOrigins: string[];
}

export async function loadCashierModel(
  ctx: AppContext,
  orderId: string,
  request: { userAgent: string | null },
): Promise<CashierModel | ChooserModel | undefined> {
  // One read (shared with the proxy's, and with the status polls, until the order's next event).
  const snap = await liveOrdersFor(ctx).snapshot(orderId);
  if (!snap) return undefined;
  const { order } = snap;
  const merchant = findMerchant(ctx.config, order.appkey);
  const serverNow = ctx.now();
  const view = buildPublicView(ctx.messages, merchant, order, snap.notification, serverNow);
  const channel = findChannel(ctx.config, order.channel_id);
  const agent = detectAgent(request.userAgent);
  const type = order.type;
  // An epay order brings its own return URL; the shop's site is where it points.
  const shopUrl = order.return_url ?? merchant?.return_url;
  const shopHome = shopUrl ? (URL.parse(shopUrl)?.origin ?? null) : null;
  const timeoutUrl = merchant?.timeout_url ?? null;
  if (type === null || !order.payload) {
    return {
      kind: "choose",
      view,
      merchantName: merchant?.name ?? "",
      productName: order.name,
      layout: layoutFor(agent),
      types: type === null && merchant ? await availableTypes(ctx, merchant, order.price_fen, serverNow) : [],
      generating: type !== null,
      backUrl: timeoutUrl ?? shopHome,
      embedOrigins: merchant?.embed_origins ?? [],
    };
  }
  const kind = payloadKind(type, order.payload, `${ctx.config.baseUrl}/pay/${order.id}`);
  return {
    kind: "pay",
    view,
    type,
    merchantName: merchant?.name ?? "",
    payload: order.payload,
    payloadKind: kind,
    plan: planPayment(type, kind, order.payload, agent),
    freeAmount: order.free_amount,
    sandbox: channel?.provider === "sandbox",
    timeoutUrl,
    shopHome,
    embedOrigins: merchant?.embed_origins ?? [],
    serverNow,
    expiresAt: order.expires_at,
    createdAt: order.created_at,
    productName: order.name,
    backUrl: timeoutUrl ?? shopHome,
  };
}

/** The origins that may frame an order's page, for the `frame-ancestors` header; undefined when there is no such order. */
export async function frameAncestorsFor(ctx: AppContext, orderId: string): Promise<string[] | undefined> {
  const order = await findLiveOrder(ctx, orderId);
  if (!order) return undefined;
  const origins = findMerchant(ctx.config, order.appkey)?.embed_origins ?? [];
  return origins.map((o) => new URL(o).origin);
}
