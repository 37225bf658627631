import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from "node:crypto";

/**
 * 彩虹易支付 V2 signing (docs/protocols/epay-v2.md#signatures): every field except `sign` and `sign_type`, empty values
 * dropped, keys sorted in ASCII order, joined `k1=v1&k2=v2` with the raw values (no URL-encoding), then
 * SHA256withRSA (PKCS#1 v1.5) and base64. The shop signs requests with its private key and Paydesk verifies with the
 * public key in the merchant's config; Paydesk signs answers and notifies with its platform private key
 * (./epay-v2-platform-key.ts) and the shop verifies with the platform public key it was given.
 */

const UNSIGNED = new Set(["sign", "sign_type"]);

/** Byte order of two keys, as PHP's ksort on ASCII keys (JavaScript's default sort is UTF-16 order). */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The string that is signed: the non-empty fields but `sign`/`sign_type`, ASCII-sorted, `k=v` joined with `&`. */
export function epayV2SignString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => !UNSIGNED.has(k) && params[k] !== "")
    .sort(byteOrder)
    .map((k) => `${k}=${params[k]}`)
    .join("&");
}

/** A key as 彩虹易支付 shows it (bare base64 of the DER, one line) or as PEM; either is accepted. */
function pemOf(key: string, label: "PUBLIC KEY" | "PRIVATE KEY"): string {
  const trimmed = key.trim();
  if (trimmed.startsWith("-----BEGIN")) return trimmed;
  const body = trimmed.replace(/\s+/g, "");
  return `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)?.join("\n") ?? ""}\n-----END ${label}-----\n`;
}

/** The smallest RSA modulus accepted for a merchant's key: 2048 bits, what 彩虹易支付 generates. */
export const MIN_RSA_BITS = 2048;

/**
 * The merchant's RSA public key as a KeyObject, or why it is not one (config validation, lib/config/schema.ts).
 * Only RSA of at least 2048 bits: V2's sign_type is RSA and a shorter modulus can be factored.
 */
export function parseRsaPublicKey(key: string): KeyObject | string {
  let parsed: KeyObject;
  try {
    parsed = createPublicKey(pemOf(key, "PUBLIC KEY"));
  } catch {
    return "not an RSA public key (PEM or the bare base64 of its DER)";
  }
  if (parsed.asymmetricKeyType !== "rsa") return `must be an RSA key, not ${parsed.asymmetricKeyType ?? "unknown"}`;
  const bits = parsed.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) return `must be at least ${MIN_RSA_BITS} bits (this one has ${bits})`;
  return parsed;
}

/** The RSA private key from PEM or bare base64 PKCS#8. */
export function parseRsaPrivateKey(key: string): KeyObject {
  return createPrivateKey(pemOf(key, "PRIVATE KEY"));
}

/** `sign` for `params`: SHA256withRSA over the sign string, base64. */
export function epayV2Sign(params: Readonly<Record<string, string>>, privateKey: KeyObject): string {
  return createSign("RSA-SHA256").update(epayV2SignString(params), "utf8").sign(privateKey, "base64");
}

/** Whether `sign` is `params`' signature under `publicKey`. A malformed signature is simply not valid. */
export function verifyEpayV2Sign(
  params: Readonly<Record<string, string>>,
  sign: string,
  publicKey: KeyObject,
): boolean {
  // A form body whose `+` was not percent-encoded arrives with spaces in their place; the signature still decides.
  const b64 = sign.replace(/ /g, "+");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  try {
    return createVerify("RSA-SHA256")
      .update(epayV2SignString(params), "utf8")
      .verify(publicKey, Buffer.from(b64, "base64"));
  } catch {
    return false;
  }
}

/** The public key in the bare base64 form (one line) shops paste into their V2 plugin's "平台公钥" field. */
export function bareBase64Of(publicKey: KeyObject): string {
  return publicKey.export({ type: "spki", format: "der" }).toString("base64");
}
