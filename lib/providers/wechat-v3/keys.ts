import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * WeChat Pay's key files as merchants get them (apiclient_key.pem, apiclient_cert.pem, pub_key.pem, platform
 * certificates): each setting is the PEM text or a path to the file. Messages name the setting, never the key.
 */
export class WechatKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WechatKeyError";
  }
}

function pemText(value: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith("-----BEGIN")) return trimmed;
  try {
    return readFileSync(trimmed, "utf8").trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new WechatKeyError(`${what}: not PEM text and not a readable file (${trimmed}: ${code})`);
  }
}

export function wechatPrivateKey(value: string, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pemText(value, what));
  } catch (err) {
    if (err instanceof WechatKeyError) throw err;
    throw new WechatKeyError(`${what}: does not parse as a private key (apiclient_key.pem)`);
  }
  if (key.asymmetricKeyType !== "rsa") throw new WechatKeyError(`${what}: not an RSA key`);
  return key;
}

export function wechatPublicKey(value: string, what: string): KeyObject {
  const text = pemText(value, what);
  if (text.includes("PRIVATE KEY")) throw new WechatKeyError(`${what}: this is a private key; paste pub_key.pem`);
  try {
    return createPublicKey(text);
  } catch {
    throw new WechatKeyError(`${what}: does not parse as a public key (pub_key.pem)`);
  }
}

export function wechatCertificate(value: string, what: string): X509Certificate {
  const text = pemText(value, what);
  try {
    return new X509Certificate(text);
  } catch {
    throw new WechatKeyError(`${what}: does not parse as an X.509 certificate`);
  }
}

/** The subject's CN: for a merchant API certificate, the mchid it was issued to. */
export function certificateCn(cert: X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
}

const spki = (k: KeyObject) =>
  (k.type === "public" ? k : createPublicKey(k)).export({ type: "spki", format: "der" }).toString("base64");

export interface WechatKeySettings {
  mchid: string;
  merchant_private_key: string;
  merchant_serial_no?: string | undefined;
  merchant_cert?: string | undefined;
  apiv3_key: string;
  wechatpay_public_key?: string | undefined;
  wechatpay_public_key_id?: string | undefined;
  platform_certs?: string[] | undefined;
}

/** What the provider signs and verifies with. `verifiers` maps a Wechatpay-Serial to the key that signs under it. */
export interface WechatKeys {
  merchantKey: KeyObject;
  merchantSerial: string;
  apiv3Key: Buffer;
  verifiers: Map<string, KeyObject>;
  /** The serial to send as Wechatpay-Serial: the public key's id, else the newest platform certificate's. */
  preferredSerial: string;
}

/**
 * Loads and checks a channel's keys: the private key parses; a merchant certificate, when given, was issued to this
 * mchid and holds the private key's public half (and names the serial, which must agree with merchant_serial_no);
 * the APIv3 key is 32 bytes; every platform certificate parses. Throws WechatKeyError with the reason.
 */
export function loadWechatKeys(s: WechatKeySettings): WechatKeys {
  const merchantKey = wechatPrivateKey(s.merchant_private_key, "merchant_private_key");
  let merchantSerial = s.merchant_serial_no?.toUpperCase();
  if (s.merchant_cert !== undefined) {
    const cert = wechatCertificate(s.merchant_cert, "merchant_cert");
    const cn = certificateCn(cert);
    if (cn !== s.mchid)
      throw new WechatKeyError(
        `merchant_cert: issued to mchid ${cn ?? "(none)"}, not ${s.mchid} (another merchant's file?)`,
      );
    if (spki(cert.publicKey) !== spki(merchantKey))
      throw new WechatKeyError("merchant_cert: not the certificate of merchant_private_key (apiclient_key.pem)");
    const serial = cert.serialNumber.toUpperCase();
    if (merchantSerial !== undefined && merchantSerial !== serial)
      throw new WechatKeyError(`merchant_serial_no: the certificate's serial is ${serial}`);
    merchantSerial = serial;
  }
  if (merchantSerial === undefined)
    throw new WechatKeyError("merchant_serial_no: set it (商户API证书序列号), or give merchant_cert to read it from");
  const apiv3Key = Buffer.from(s.apiv3_key, "utf8");
  if (apiv3Key.length !== 32)
    throw new WechatKeyError("apiv3_key: the APIv3 key is exactly 32 characters (32 bytes: letters and digits only)");

  const verifiers = new Map<string, KeyObject>();
  let preferredSerial: string | undefined;
  let newest = -Infinity;
  (s.platform_certs ?? []).forEach((c, i) => {
    const cert = wechatCertificate(c, `platform_certs.${i}`);
    verifiers.set(cert.serialNumber.toUpperCase(), cert.publicKey);
    const from = Date.parse(cert.validFrom);
    if (from > newest) {
      newest = from;
      preferredSerial = cert.serialNumber.toUpperCase();
    }
  });
  if (s.wechatpay_public_key !== undefined) {
    if (s.wechatpay_public_key_id === undefined)
      throw new WechatKeyError("wechatpay_public_key_id: set the key's id (PUB_KEY_ID_…) shown beside it");
    const key = wechatPublicKey(s.wechatpay_public_key, "wechatpay_public_key");
    if (spki(key) === spki(merchantKey))
      throw new WechatKeyError("wechatpay_public_key: this is your merchant key's public half, not WeChat Pay's");
    verifiers.set(s.wechatpay_public_key_id, key);
    preferredSerial = s.wechatpay_public_key_id;
  }
  if (preferredSerial === undefined)
    throw new WechatKeyError("set wechatpay_public_key and wechatpay_public_key_id (公钥 mode), or platform_certs");
  return { merchantKey, merchantSerial, apiv3Key, verifiers, preferredSerial };
}
