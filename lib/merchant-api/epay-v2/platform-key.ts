import "server-only";
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { getConfig } from "@/lib/config/load";
import { bareBase64Of, parseRsaPrivateKey } from "./epay-v2-sign";

/**
 * Paydesk's V2 platform key pair (docs/protocols/epay.md#v2-platform-key): its private key signs every V2 answer,
 * notify and return; shops verify them with its public key, shown in the console (设置 → 彩虹易支付 V2) and by
 * `npm run admin -- platform-key`.
 *
 * Where it lives, and why not the database: the notify is built synchronously inside the payment's transaction
 * (`MerchantApiMessages.notifyMessage`), so the key must be at hand without a query; and a key in a file beside the
 * session secret (lib/config/session-secret.ts) is kept, backed up and shared the same way. It is generated on first
 * use (RSA 2048, PKCS#8 PEM, mode 0600, created exclusively so two processes starting together keep one key).
 * `PAYDESK_EPAY_V2_PRIVATE_KEY` (PEM) overrides the file: several instances on one PostgreSQL must sign with the same
 * key, as they share the session secret.
 */

export const PLATFORM_KEY_FILE = "epay-v2-platform-key.pem";

export interface PlatformKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as shops paste it (bare base64 of the SPKI DER, one line). */
  publicBase64: string;
  /** The public key as PEM. */
  publicPem: string;
  /** Where it came from, for the console and the admin command. */
  source: "env" | "file";
  file?: string;
}

function folderOf(databaseUrl: string): string {
  return databaseUrl.startsWith("file:") ? path.dirname(databaseUrl.slice("file:".length)) : "./data";
}

function fromPrivatePem(pem: string, source: PlatformKey["source"], file?: string): PlatformKey {
  const privateKey = parseRsaPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  return { privateKey, publicKey, publicBase64: bareBase64Of(publicKey), publicPem, source, file };
}

/** Reads the key file, creating it first when there is none. */
function readOrCreate(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  try {
    fs.writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
    return pem;
  } catch (err) {
    // Another process created it between our read and write: its key is the one.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8");
    throw err;
  }
}

let cached: PlatformKey | undefined;

/** The platform key pair (loaded, or generated, once per module copy; every copy reads the same file). */
export function platformKey(): PlatformKey {
  if (cached) return cached;
  const fromEnv = process.env.PAYDESK_EPAY_V2_PRIVATE_KEY;
  if (fromEnv) cached = fromPrivatePem(fromEnv, "env");
  else {
    const file = path.join(folderOf(getConfig().databaseUrl), PLATFORM_KEY_FILE);
    cached = fromPrivatePem(readOrCreate(file), "file", file);
  }
  return cached;
}

/** Uses `privatePem` as the platform key (tests); undefined goes back to env or file. */
export function setPlatformKeyForTests(privatePem: string | undefined): void {
  cached = privatePem === undefined ? undefined : fromPrivatePem(privatePem, "env");
}
