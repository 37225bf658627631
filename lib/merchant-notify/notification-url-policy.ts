import "server-only";
import { findMerchant } from "@/lib/config/find";
import type { AppContext } from "@/lib/context";
import { merchantUrlPolicy } from "@/lib/net/url-policy";
import type { UrlGuardPolicy } from "@/lib/net/url-guard";
import type { Notification } from "@/lib/storage/records";

/**
 * The hosts one stored notification may reach besides public addresses: its order's merchant's
 * (lib/net/url-policy.ts), read at send time so config changes apply. The outbox's, so it lives here and not in
 * lib/net, which stays below the context and storage.
 */
export async function notificationUrlPolicy(ctx: AppContext, n: Notification): Promise<UrlGuardPolicy> {
  const order = await ctx.repos.orders.findOrderById(n.order_id);
  return merchantUrlPolicy(order ? findMerchant(ctx.config, order.appkey) : undefined);
}
