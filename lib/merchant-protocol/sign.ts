import { createHash, timingSafeEqual } from "node:crypto";

/** Lowercase hex MD5 of a UTF-8 string: the digest every protocol in this ecosystem is built on. */
export function md5(input: string): string {
  return createHash("md5").update(input, "utf8").digest("hex");
}

/**
 * The merchant protocol's double MD5: `md5(md5(part1 + part2 + …) + appsecret)`. Parts are joined with no
 * separator, exactly as received (no trimming, no number reformatting).
 */
export function merchantSign(parts: readonly string[], appsecret: string): string {
  return md5(md5(parts.join("")) + appsecret);
}

/** Constant-time comparison of two hex signatures; case-insensitive because some shops send uppercase MD5. */
export function signaturesEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected.toLowerCase(), "utf8");
  const b = Buffer.from(received.toLowerCase(), "utf8");
  if (a.length !== b.length) {
    // Still spend the comparison time so a length mismatch is not faster than a content mismatch.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Create: `md5(md5(appkey + price + type + out_order_id + custom) + appsecret)` (PROTOCOLS §1.1). */
export function createSign(
  p: { appkey: string; price: string; type: string; out_order_id: string; custom: string },
  appsecret: string,
): string {
  return merchantSign([p.appkey, p.price, p.type, p.out_order_id, p.custom], appsecret);
}

/**
 * Query: `md5(md5(appkey + out_order_id) + appsecret)` (DESIGN §1.2), the form the 云端 vendor's clients send to
 * `/api/order/check` (PROTOCOLS §7): fixed by a third party, so it keeps it.
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

/** Fields of the async notify to the merchant (PROTOCOLS §1.2), all as the strings that go on the wire. */
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

/** Fields of the sync return URL (PROTOCOLS §1.3); `product_id` carries the order's `custom`. */
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
