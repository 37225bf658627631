import "server-only";
import { findChannel, findMerchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { loadOrderForRead, publicOrderView, type PublicOrderView } from "@/lib/orders/order-views";

/** Everything the cashier page renders on the server, with nothing secret in it (it is serialised to the client). */
export interface CashierModel {
  view: PublicOrderView;
  merchantName: string;
  /** What the QR encodes. */
  payload: string;
  freeAmount: boolean;
  sandbox: boolean;
  timeoutUrl: string | null;
  /** Server time when the page was rendered and the absolute expiry, both ms: the countdown never trusts the client clock. */
  serverNow: number;
  expiresAt: number;
  createdAt: number;
}

export async function loadCashierModel(ctx: AppContext, orderId: string): Promise<CashierModel | undefined> {
  const order = await loadOrderForRead(ctx, orderId);
  if (!order) return undefined;
  const view = await publicOrderView(ctx, orderId);
  if (!view) return undefined;
  const merchant = findMerchant(ctx.config, order.appkey);
  const channel = findChannel(ctx.config, order.channel_id);
  return {
    view,
    merchantName: merchant?.name ?? "",
    payload: order.payload,
    freeAmount: order.free_amount === 1,
    sandbox: channel?.provider === "sandbox",
    timeoutUrl: merchant?.timeout_url ?? null,
    serverNow: ctx.now(),
    expiresAt: order.expires_at,
    createdAt: order.created_at,
  };
}
