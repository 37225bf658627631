import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The digests and comparisons every wire protocol of this ecosystem is built on, in one place: the three merchant
 * APIs (lib/merchant-api/*) and the providers' own signatures (lib/providers/*) all sign with MD5 and compare hex.
 * Here, not in a protocol's folder, because both sides use it and neither may import the other.
 */

/** Lowercase hex MD5 of a UTF-8 string. */
export function md5(input: string): string {
  return createHash("md5").update(input, "utf8").digest("hex");
}

/**
 * `md5(md5(part1 + part2 + …) + secret)`, the parts joined with no separator exactly as sent: the 云端 family's
 * signature (docs/protocols/cloudpay.md#conventions). Paydesk's own 云端 API (lib/merchant-api/cloudpay) and the 云端
 * upstream provider (lib/providers/cloudpay) each list their own fields and sign them with this.
 */
export function doubleMd5(parts: readonly string[], secret: string): string {
  return md5(md5(parts.join("")) + secret);
}

/** Lowercase hex SHA-256 of a UTF-8 string (the request digest an idempotent create compares). */
export function sha256Hex(input: string): string {
  return createHash("sha256").update(input, "utf8").digest("hex");
}

/** Constant-time comparison of two hex signatures; case-insensitive because some shops send uppercase MD5. */
export function signaturesEqual(expected: string, received: string): boolean {
  return secretsEqual(expected.toLowerCase(), received.toLowerCase());
}

/**
 * Constant-time comparison of two strings exactly as they are (a plain key sent as a parameter). A length mismatch
 * still spends the comparison time, so it is not faster than a content mismatch.
 */
export function secretsEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(received, "utf8");
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
