import { md5 } from "@/lib/crypto/digest";

/** A value inside gemafu's `data` object as JSON carries it. */
export type GemafuScalar = string | number | boolean | null;

/**
 * PHP's string conversion, which the platform's `$res .= $v` applies: integers as digits, `true` as "1", `false` and
 * null as "". Floats are not expected (every amount is integer fen); JS and PHP ≥ 7.1 spell ordinary ones alike.
 */
export function phpString(value: GemafuScalar): string {
  if (value === null || value === false) return "";
  if (value === true) return "1";
  return String(value);
}

/**
 * `md5(k1 + v1 + k2 + v2 + … + secret_key)` over `data` sorted by key (PHP `ksort`), with no separators at all and
 * empty values included, lowercase hex (docs/providers/gemafu.md#wire-protocol). Keys are ASCII, so UTF-16 order equals
 * byte order.
 */
export function gemafuSign(data: Readonly<Record<string, GemafuScalar>>, secretKey: string): string {
  const keys = Object.keys(data).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let res = "";
  for (const k of keys) res += k + phpString(data[k] ?? null);
  return md5(res + secretKey);
}
