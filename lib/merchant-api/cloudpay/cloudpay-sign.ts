import { doubleMd5, signaturesEqual } from "@/lib/crypto/digest";

/**
 * The 云端 (cloudpay) merchant API's signatures (docs/protocols/cloudpay.md). Each is the protocol's double MD5 over
 * fields joined with no separator, exactly as received (no trimming, no number reformatting).
 */

/** `md5(md5(part1 + part2 + …) + appsecret)` (lib/crypto/digest.ts `doubleMd5`). */
export function merchantSign(parts: readonly string[], appsecret: string): string {
  return doubleMd5(parts, appsecret);
}

/**
 * Create: `md5(md5(appkey + price + type + out_order_id + custom) + appsecret)` (docs/protocols/cloudpay.md#create).
 */
export function createSign(
  p: { appkey: string; price: string; type: string; out_order_id: string; custom: string },
  appsecret: string,
): string {
  return merchantSign([p.appkey, p.price, p.type, p.out_order_id, p.custom], appsecret);
}

/**
 * Query: `md5(md5(appkey + out_order_id) + appsecret)` (docs/protocols/cloudpay.md#signed-query), the form the 云端
 * vendor's clients send to `/api/order/check` (docs/protocols/cloudpay.md#vendor-clients): fixed by a third party, so
 * it keeps it.
 */
export function orderLookupSign(p: { appkey: string; out_order_id: string }, appsecret: string): string {
  return merchantSign([p.appkey, p.out_order_id], appsecret);
}

/*
 * Paydesk's own endpoints sign an action word first (issue 17), so that no other message of the protocol is also a
 * valid request there: with the query's form, the query signature of an order (in any shop's logs) closed it, and
 * listed a customer whose `custom` spelled an out_order_id. Every vendor-fixed string starts with the appkey, so a
 * string starting with the word can only equal one when the appkey itself spells the word's beginning ("c", "re").
 */

/** Close: `md5(md5("close" + appkey + out_order_id) + appsecret)`. */
export function closeSign(p: { appkey: string; out_order_id: string }, appsecret: string): string {
  return merchantSign(["close", p.appkey, p.out_order_id], appsecret);
}

/** Records: `md5(md5("records" + appkey + custom) + appsecret)`. */
export function recordsSign(p: { appkey: string; custom: string }, appsecret: string): string {
  return merchantSign(["records", p.appkey, p.custom], appsecret);
}

/**
 * Fields of the async notify to the merchant (docs/protocols/cloudpay.md#notify), all as the strings that go on the
 * wire.
 */
export interface MerchantNotifyFields {
  order_id: string;
  out_order_id: string;
  price: string;
  realprice: string;
  type: string;
  paytime: string;
  extend: string;
}

/** Notify: `md5(md5(appkey + order_id + out_order_id + price + realprice + type + paytime + extend) + appsecret)`. */
export function notifySign(appkey: string, f: MerchantNotifyFields, appsecret: string): string {
  return merchantSign(
    [appkey, f.order_id, f.out_order_id, f.price, f.realprice, f.type, f.paytime, f.extend],
    appsecret,
  );
}

/**
 * Verifies a received notify form the way a shop does: rebuild the signed string from the fields (absent ones as
 * empty strings) and compare with `sign`. Used by the built-in demo shop and the tests' fake shop.
 */
export function verifyNotifyForm(appkey: string, appsecret: string, form: Record<string, string>): boolean {
  const fields: MerchantNotifyFields = {
    order_id: form.order_id ?? "",
    out_order_id: form.out_order_id ?? "",
    price: form.price ?? "",
    realprice: form.realprice ?? "",
    type: form.type ?? "",
    paytime: form.paytime ?? "",
    extend: form.extend ?? "",
  };
  return signaturesEqual(notifySign(appkey, fields, appsecret), form.sign ?? "");
}

/** Fields of the sync return URL (docs/protocols/cloudpay.md#return); `product_id` carries the order's `custom`. */
export interface MerchantReturnFields {
  price: string;
  type: string;
  product_id: string;
  order_id: string;
  out_order_id: string;
}

/** Return: `md5(md5(appkey + price + type + product_id + order_id + out_order_id) + appsecret)`. */
export function returnSign(appkey: string, f: MerchantReturnFields, appsecret: string): string {
  return merchantSign([appkey, f.price, f.type, f.product_id, f.order_id, f.out_order_id], appsecret);
}

/** Builds the signed sync return URL, keeping any query string the merchant already put in `return_url`. */
export function buildReturnUrl(
  returnUrl: string,
  appkey: string,
  appsecret: string,
  fields: MerchantReturnFields,
): string {
  const url = new URL(returnUrl);
  for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v);
  url.searchParams.set("sign", returnSign(appkey, fields, appsecret));
  return url.toString();
}
