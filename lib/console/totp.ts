import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { generate, generateSecret, generateURI, verify } from "otplib";

/**
 * The console's optional second factor: RFC 6238 TOTP (30 s, 6 digits, SHA-1: what every authenticator app reads
 * from an `otpauth://` link) through `otplib`, a maintained implementation, rather than hand-written HMAC steps.
 * A code is good once: the accepted time step is stored and later codes must be newer (replay protection).
 * Recovery codes stand in for a lost phone; each is stored only as its SHA-256 and is used up when used.
 */
const PERIOD_S = 30;
/** One step either way: a phone clock a few seconds off, or a code typed just as it turned over, still works. */
const TOLERANCE_S = PERIOD_S;
export const RECOVERY_CODE_COUNT = 10;

export function newTotpSecret(): string {
  return generateSecret();
}

/** The link an authenticator app reads (shown as a QR code and as text). */
export function totpUri(issuer: string, account: string, secret: string): string {
  return generateURI({ issuer, label: account, secret });
}

/** The code for `atMs` (tests, and the e2e's "phone"). */
export function totpCode(secret: string, atMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(atMs / 1000) });
}

/**
 * The time step of a good code newer than `lastStep`, or null (wrong, malformed, or already used). Never throws on
 * input: a code is only digits, and anything else is simply wrong.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  atMs: number,
  lastStep: number | null,
): Promise<number | null> {
  const token = code.replaceAll(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  try {
    const r = await verify({
      secret,
      token,
      epoch: Math.floor(atMs / 1000),
      epochTolerance: TOLERANCE_S,
      ...(lastStep !== null && { afterTimeStep: lastStep }),
    });
    return r.valid && "timeStep" in r ? r.timeStep : null;
  } catch {
    return null;
  }
}

const hashCode = (code: string) =>
  createHash("sha256")
    .update(code.toLowerCase().replaceAll(/[^a-z0-9]/g, ""))
    .digest("hex");

/** Fresh recovery codes (`xxxxx-xxxxx`, shown once) and the hashes to store. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const alphabet = "abcdefghjkmnpqrstuvwxyz123456789"; // 32 letters: no modulo bias, no 0/o or 1/l pairs
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => alphabet[b & 31]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
  return { codes, hashes: codes.map(hashCode) };
}

/** True when `code` looks like a recovery code rather than a TOTP code. */
export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(code.trim()) && !/^\d+$/.test(code.trim());
}

/** The hashes left after using `code`, or null when it is none of them. */
export function spendRecoveryCode(hashes: readonly string[], code: string): string[] | null {
  const h = Buffer.from(hashCode(code));
  const i = hashes.findIndex((x) => x.length === h.length && timingSafeEqual(Buffer.from(x), h));
  return i < 0 ? null : hashes.filter((_, j) => j !== i);
}
