import { md5, secretsEqual, signaturesEqual } from "@/lib/crypto/digest";

/**
 * 彩虹易支付 (epay) signing, docs/protocols/epay.md#signatures: every parameter except `sign` and `sign_type`, sorted by key
 * in byte order (PHP `ksort`), joined `k1=v1&k2=v2` with the raw values (no URL-encoding), the merchant key appended
 * directly, MD5, lowercase hex. Values are signed exactly as received (`10`, `10.5`, `10.00` all differ).
 */

const UNSIGNED = new Set(["sign", "sign_type"]);

/** Byte-order comparison of two keys, like PHP's ksort on ASCII keys (JavaScript's default sort is UTF-16 order). */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * The string that is hashed. `includeEmpty` keeps empty-valued fields (v2board/Xboard and SSPanel sign them; the
 * official SDK and dujiaoka drop them).
 */
export function epaySignString(params: Record<string, string>, key: string, includeEmpty: boolean): string {
  const keys = Object.keys(params)
    .filter((k) => !UNSIGNED.has(k) && (includeEmpty || params[k] !== ""))
    .sort(byteOrder);
  return keys.map((k) => `${k}=${params[k]}`).join("&") + key;
}

/** The signature Paydesk sends: over the non-empty fields (Paydesk never sends an empty field, so both kinds agree). */
export function epaySign(params: Record<string, string>, key: string): string {
  return md5(epaySignString(params, key, false));
}

/**
 * Verifies a received request: accepted when `sign` matches the signature computed without the empty fields or the
 * one computed with them — the two ways the clients in the field sign.
 */
export function verifyEpaySign(params: Record<string, string>, key: string): boolean {
  const received = params.sign ?? "";
  const without = signaturesEqual(md5(epaySignString(params, key, false)), received);
  const withEmpty = signaturesEqual(md5(epaySignString(params, key, true)), received);
  return without || withEmpty;
}

/**
 * The fields the epay protocol defines for a payment request (docs/protocols/epay.md#payment-fields), the ones a
 * re-split could produce.
 */
const PAYMENT_FIELDS = new Set([
  "pid",
  "type",
  "out_trade_no",
  "notify_url",
  "return_url",
  "name",
  "money",
  "sitename",
  "param",
  "clientip",
  "device",
]);

/**
 * Why `params` would re-split the signed string, or null (issue 17). Values are joined with `&` unescaped, so a
 * value holding `&name=` reads, under the same signature, as two fields: `return_url=…/r&type=alipay` signs like
 * `return_url=…/r` plus `type=alipay`, and `out_trade_no=A&param=x` like `out_trade_no=A` plus `param=x` — a genuine
 * request's signature then verifies for a request without its type, or for another order number. It is a re-split
 * exactly when `name` is a protocol field the request does not carry (non-empty) and sorts between the value's own
 * field and the next one; so a URL's ordinary query (`?a=1&b=2`) passes. A field name with `&` or `=` is one too.
 */
export function resplitProblem(params: Record<string, string>): string | null {
  const keys = Object.keys(params).filter((k) => !UNSIGNED.has(k));
  const badKey = keys.find((k) => /[&=]/.test(k));
  if (badKey !== undefined) return `参数名“${badKey}”含有 & 或 =`;
  const present = keys.filter((k) => params[k] !== "").sort(byteOrder);
  for (const [i, field] of present.entries()) {
    const next = present[i + 1];
    for (const [, name = ""] of (params[field] ?? "").matchAll(/&([^&=]*)=/g)) {
      const between = byteOrder(name, field) > 0 && (next === undefined || byteOrder(name, next) < 0);
      if (PAYMENT_FIELDS.has(name) && between) return `${field} 的值含有“&${name}=”，与签名串的分隔冲突`;
    }
  }
  return null;
}

/** The merchant key as `api.php` receives it (a plain parameter there), compared in constant time. */
export function keysEqual(expected: string, received: string): boolean {
  return secretsEqual(expected, received);
}
