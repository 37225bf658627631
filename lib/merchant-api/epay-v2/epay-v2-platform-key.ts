import "server-only";
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { bareBase64Of, parseRsaPrivateKey } from "./epay-v2-sign";

/**
 * Paydesk's V2 platform key (docs/protocols/epay-v2.md#platform-key): it signs every V2 answer and notify, and the
 * shop verifies them with the public half it was given. From `PAYDESK_EPAY_V2_PRIVATE_KEY` (PEM or bare base64
 * PKCS#8) when set; otherwise generated once (RSA 2048, what 彩虹易支付 generates) and kept beside the database, like
 * the session secret (lib/config/session-secret.ts), so a restart keeps the key the shops already hold. Several
 * instances must share one key: set the variable on each (a per-instance file would give each its own key).
 */
export interface PlatformKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const PLATFORM_KEY_FILE = "epay-v2-platform-key.pem";

function databaseFolder(databaseUrl: string): string {
  return databaseUrl.startsWith("file:") && databaseUrl !== "file::memory:"
    ? path.dirname(databaseUrl.slice("file:".length))
    : "./data";
}

function fromPem(pem: string): PlatformKey {
  const privateKey = parseRsaPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "rsa") throw new Error("PAYDESK_EPAY_V2_PRIVATE_KEY: not an RSA private key");
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Reads the key file, or creates it (exclusively: of two processes starting at once, one writes, both read it). */
function fromFile(folder: string): PlatformKey {
  const file = path.join(folder, PLATFORM_KEY_FILE);
  try {
    return fromPem(fs.readFileSync(file, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(folder, { recursive: true });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  try {
    fs.writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return fromPem(fs.readFileSync(file, "utf8"));
}

const cache = new Map<string, PlatformKey>();

/** The platform key for this environment (cached per source: the variable's value, or the folder). */
export function platformKey(
  env: Record<string, string | undefined> = process.env,
  databaseUrl = env.PAYDESK_DATABASE_URL ?? "file:./data/paydesk.db",
): PlatformKey {
  const fromEnv = env.PAYDESK_EPAY_V2_PRIVATE_KEY?.trim();
  const source = fromEnv ? `env:${fromEnv}` : `dir:${databaseFolder(databaseUrl)}`;
  let key = cache.get(source);
  if (!key) {
    key = fromEnv ? fromPem(fromEnv) : fromFile(databaseFolder(databaseUrl));
    cache.set(source, key);
  }
  return key;
}

/** The public key as shops paste it (one line of base64, the form 彩虹易支付's merchant page shows) and as PEM. */
export function platformPublicKeyText(key: PlatformKey = platformKey()): { base64: string; pem: string } {
  return {
    base64: bareBase64Of(key.publicKey),
    pem: key.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}
