import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterAll, beforeAll } from "vitest";

/** An RSA key pair as the epay V2 tests use it: Node's key objects. */
export interface RsaKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/**
 * A shop key pair and a platform key pair for an epay V2 test file (docs/protocols/epay-v2.md), registering the
 * file's hooks that hand the platform's private key to Paydesk (`PAYDESK_EPAY_V2_PRIVATE_KEY`) and put the old value
 * back afterwards. Call it at the top level of the file.
 */
export function setUpEpayV2Keys(): { shopKeys: RsaKeyPair; platformKeys: RsaKeyPair; shopPublicPem: string } {
  const shopKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const platformKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const savedKey = process.env.PAYDESK_EPAY_V2_PRIVATE_KEY;
  beforeAll(() => {
    process.env.PAYDESK_EPAY_V2_PRIVATE_KEY = platformKeys.privateKey
      .export({ type: "pkcs8", format: "pem" })
      .toString();
  });
  afterAll(() => {
    if (savedKey === undefined) delete process.env.PAYDESK_EPAY_V2_PRIVATE_KEY;
    else process.env.PAYDESK_EPAY_V2_PRIVATE_KEY = savedKey;
  });
  const shopPublicPem = shopKeys.publicKey.export({ type: "spki", format: "pem" }).toString();
  return { shopKeys, platformKeys, shopPublicPem };
}

/**
 * A shop's V2 request: `fields` with `pid` and a 10-digit `timestamp` from `now`, signed SHA256withRSA with the
 * shop's private key over every non-empty field but sign/sign_type, keys sorted, `k=v&…`.
 */
export function signedV2Request(
  fields: Record<string, string>,
  now: number,
  shop: { pid: string; privateKey: KeyObject },
): Record<string, string> {
  const all: Record<string, string> = { ...fields, pid: shop.pid, timestamp: String(Math.floor(now / 1000)) };
  const content = Object.keys(all)
    .filter((k) => k !== "sign" && k !== "sign_type" && all[k] !== "")
    .sort()
    .map((k) => `${k}=${all[k]}`)
    .join("&");
  return {
    ...all,
    sign: createSign("RSA-SHA256").update(content, "utf8").sign(shop.privateKey, "base64"),
    sign_type: "RSA",
  };
}
