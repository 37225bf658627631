import { md5 } from "@/lib/crypto/digest";

/** A field value as PAYJS messages carry it (form strings, or JSON scalars in replies). */
export type PayjsValue = string | number | boolean | null | undefined;

/**
 * PHP `array_filter` without a callback keeps only truthy values: it drops "", "0", 0, 0.0, null and false (but
 * keeps "0.0" and " "). The SDK signs after it, so a field whose value is "0" is simply not part of the signature.
 */
function phpTruthy(v: PayjsValue): v is string | number | true {
  return !(v === undefined || v === null || v === false || v === "" || v === "0" || v === 0);
}

/**
 * `UPPER(md5(k1=v1&k2=v2…&key=KEY))` over the non-empty fields sorted by key, values unencoded
 * (docs/providers/payjs.md#wire-protocol). The caller passes every field it sends or received except `sign` (mchid
 * included).
 */
export function payjsSign(fields: Readonly<Record<string, PayjsValue>>, key: string): string {
  const kept = Object.entries(fields)
    .filter((e): e is [string, string | number | true] => phpTruthy(e[1]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v === true ? "1" : String(v)}`);
  return md5(`${kept.join("&")}&key=${key}`).toUpperCase();
}

/** Everything but `sign`: what a received message's signature covers (the platform may add fields we don't know). */
export function withoutSign<T extends Record<string, unknown>>(fields: T): Omit<T, "sign"> {
  const { sign: _sign, ...rest } = fields;
  return rest;
}
