import { createDecipheriv, createSign, createVerify, randomBytes, type KeyObject } from "node:crypto";

/**
 * WeChat Pay APIv3's signatures and notify encryption, with node:crypto (docs/providers/wechat-v3.md says why no
 * SDK): SHA256withRSA (PKCS#1 v1.5) over newline-terminated lines, base64; AEAD_AES_256_GCM with the APIv3 key.
 */

/** `Authorization: WECHATPAY2-SHA256-RSA2048 …` for one request. `pathAndQuery` is the URL as sent, without host. */
export function authorization(
  input: { method: string; pathAndQuery: string; body: string; mchid: string; serialNo: string; key: KeyObject },
  timestampSeconds: number,
  nonce: string = randomBytes(16).toString("hex").toUpperCase(),
): string {
  const message = `${input.method}\n${input.pathAndQuery}\n${timestampSeconds}\n${nonce}\n${input.body}\n`;
  const signature = createSign("RSA-SHA256").update(message, "utf8").sign(input.key, "base64");
  return (
    `WECHATPAY2-SHA256-RSA2048 mchid="${input.mchid}",nonce_str="${nonce}",signature="${signature}",` +
    `timestamp="${timestampSeconds}",serial_no="${input.serialNo}"`
  );
}

/** Checks a response's or notify's `Wechatpay-Signature` over `timestamp\nnonce\nbody\n`. */
export function verifyWechatSignature(
  key: KeyObject,
  timestamp: string,
  nonce: string,
  body: string,
  signature: string,
): boolean {
  try {
    return createVerify("RSA-SHA256")
      .update(`${timestamp}\n${nonce}\n${body}\n`, "utf8")
      .verify(key, signature, "base64");
  } catch {
    return false;
  }
}

/** Decrypts a notify's `resource` (AEAD_AES_256_GCM: the last 16 bytes of the ciphertext are the tag); null on failure. */
export function decryptResource(
  apiv3Key: Buffer,
  resource: { ciphertext: string; nonce: string; associated_data?: string | undefined },
): string | null {
  try {
    const data = Buffer.from(resource.ciphertext, "base64");
    if (data.length <= 16) return null;
    const decipher = createDecipheriv("aes-256-gcm", apiv3Key, Buffer.from(resource.nonce, "utf8"));
    decipher.setAuthTag(data.subarray(data.length - 16));
    decipher.setAAD(Buffer.from(resource.associated_data ?? "", "utf8"));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
