import { createHash } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";

/**
 * A shop's side of the merchant protocol, written independently of lib/ (the e2e tests check Paydesk from outside):
 * sign = md5(md5(appkey + price + type + out_order_id + custom) + appsecret).
 */
const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** The e2e stack's copy of the demo merchant (e2e/paydesk.e2e.json: a real config file, so a ≥ 32-character secret). */
export const DEMO = { appkey: "demo", appsecret: "demo-e2e-secret-at-least-32-characters" };

export interface CreatedOrder {
  order_id: string;
  pay_url: string;
  qrcode_url: string;
  qr_content: string;
}

export async function createOrder(
  request: APIRequestContext,
  p: { price: string; type: string; out_order_id?: string; custom?: string },
  merchant: { appkey: string; appsecret: string } = DEMO,
): Promise<CreatedOrder> {
  const out = p.out_order_id ?? `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const custom = p.custom ?? "";
  const sign = md5(md5(merchant.appkey + p.price + p.type + out + custom) + merchant.appsecret);
  const res = await request.post("/api/cloudpay/create", {
    form: { appkey: merchant.appkey, price: p.price, type: p.type, out_order_id: out, custom, sign },
  });
  const body = (await res.json()) as { code: number; msg: string; data: CreatedOrder };
  if (body.code !== 100) throw new Error(`create failed: ${body.code} ${body.msg}`);
  return body.data;
}

/** Verifies a sync-return URL the way a shop would: md5(md5(appkey + price + type + product_id + order_id + out_order_id) + appsecret). */
export function returnUrlVerifies(url: string, merchant: { appkey: string; appsecret: string } = DEMO): boolean {
  const q = new URL(url).searchParams;
  const g = (k: string) => q.get(k) ?? "";
  const expected = md5(
    md5(merchant.appkey + g("price") + g("type") + g("product_id") + g("order_id") + g("out_order_id")) +
      merchant.appsecret,
  );
  return expected === g("sign");
}
