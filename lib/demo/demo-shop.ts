import "server-only";
import { findMerchant } from "@/lib/config/find";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { returnSign, verifyNotifyForm } from "@/lib/merchant-api/cloudpay/cloudpay-sign";
import { signaturesEqual } from "@/lib/crypto/digest";

/**
 * The built-in demo shop. It verifies what Paydesk sends exactly as a real shop would — with nothing but its appkey
 * and appsecret — so the demo proves the signatures, not just the plumbing. It serves the merchant named by the
 * `shop` query parameter of its URLs (default `demo`), so tests can run several merchants against it.
 */
export const DEMO_APPKEY = "demo";

/** The merchant the demo shop plays, or undefined when the demo shop is off or there is no such merchant. */
export function demoMerchant(ctx: AppContext, appkey: string = DEMO_APPKEY): Merchant | undefined {
  return ctx.config.demoShop ? findMerchant(ctx.config, appkey) : undefined;
}

/** The demo shop's notify endpoint: verify, record, answer `success` (or `fail` for a bad signature). */
export async function receiveDemoNotify(
  ctx: AppContext,
  rawBody: string,
  appkey?: string,
): Promise<"success" | "fail"> {
  const merchant = demoMerchant(ctx, appkey);
  if (!merchant) return "fail";
  const f = Object.fromEntries(new URLSearchParams(rawBody));
  const verified = verifyNotifyForm(merchant.appkey, merchant.appsecret, f);
  await ctx.repos.demoReceipts.insertDemoReceipt({
    orderId: f.order_id ?? "",
    outOrderId: f.out_order_id ?? "",
    fields: f,
    verified,
    now: ctx.now(),
  });
  return verified ? "success" : "fail";
}

/** Checks the sync return's signature (docs/protocols/cloudpay.md#return). */
export function verifyDemoReturn(ctx: AppContext, q: Record<string, string>): boolean {
  const merchant = demoMerchant(ctx, q.shop || DEMO_APPKEY);
  if (!merchant) return false;
  const expected = returnSign(
    merchant.appkey,
    {
      price: q.price ?? "",
      type: q.type ?? "",
      product_id: q.product_id ?? "",
      order_id: q.order_id ?? "",
      out_order_id: q.out_order_id ?? "",
    },
    merchant.appsecret,
  );
  return signaturesEqual(expected, q.sign ?? "");
}

export async function demoReceipts(ctx: AppContext, orderId: string) {
  const rows = await ctx.repos.demoReceipts.listDemoReceipts(orderId);
  return rows.map((r) => ({
    verified: r.verified,
    receivedAt: r.received_at,
    fields: JSON.parse(r.fields) as Record<string, string>,
  }));
}
