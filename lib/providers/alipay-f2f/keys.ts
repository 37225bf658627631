import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * Key material as operators paste it or point at it. The open platform's key tool shows keys as one bare base64 line
 * (no PEM armour), merchants often paste PEM blocks, and file deployments prefer paths (`/etc/paydesk/app.key`); all
 * three are accepted. Error messages name the key's role and never quote the key.
 */
export class KeyMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyMaterialError";
  }
}

const BARE_BASE64 = /^[A-Za-z0-9+/=\s]{64,}$/;

/** The text behind a setting: itself when it is key material, else the file it names. */
export function readKeySetting(value: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith("-----BEGIN") || BARE_BASE64.test(trimmed)) return trimmed;
  try {
    return readFileSync(trimmed, "utf8").trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new KeyMaterialError(`${what}: not a PEM/base64 key and not a readable file (${trimmed}: ${code})`);
  }
}

function armour(base64: string, label: string): string {
  const body = base64.replace(/\s+/g, "").replace(/(.{64})/g, "$1\n");
  return `-----BEGIN ${label}-----\n${body.trim()}\n-----END ${label}-----\n`;
}

/** An RSA private key from PEM (PKCS#1 or PKCS#8) or the key tool's bare base64 (PKCS#8, or PKCS#1 from old tools). */
export function parsePrivateKey(value: string, what: string): KeyObject {
  const text = readKeySetting(value, what);
  const candidates = text.startsWith("-----BEGIN")
    ? [text]
    : [armour(text, "PRIVATE KEY"), armour(text, "RSA PRIVATE KEY")];
  for (const pem of candidates) {
    try {
      const key = createPrivateKey(pem);
      if (key.asymmetricKeyType !== "rsa") throw new KeyMaterialError(`${what}: not an RSA key (RSA2 needs RSA)`);
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
        throw new KeyMaterialError(`${what}: RSA2 needs a key of at least 2048 bits`);
      return key;
    } catch (err) {
      if (err instanceof KeyMaterialError) throw err;
    }
  }
  throw new KeyMaterialError(`${what}: does not parse as an RSA private key`);
}

/** An RSA public key from PEM or bare base64 (SubjectPublicKeyInfo, as the open platform shows 支付宝公钥). */
export function parsePublicKey(value: string, what: string): KeyObject {
  const text = readKeySetting(value, what);
  if (/-----BEGIN (PRIVATE|RSA PRIVATE) KEY/.test(text))
    throw new KeyMaterialError(`${what}: this is a private key; paste the public key`);
  try {
    const key = createPublicKey(text.startsWith("-----BEGIN") ? text : armour(text, "PUBLIC KEY"));
    if (key.asymmetricKeyType !== "rsa") throw new KeyMaterialError(`${what}: not an RSA key`);
    return key;
  } catch (err) {
    if (err instanceof KeyMaterialError) throw err;
    throw new KeyMaterialError(`${what}: does not parse as an RSA public key`);
  }
}

/** Every certificate in a PEM file (the root certificate file holds several). */
export function parseCertificates(value: string, what: string): X509Certificate[] {
  const text = readKeySetting(value, what);
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new KeyMaterialError(`${what}: no PEM certificate found`);
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    throw new KeyMaterialError(`${what}: a certificate does not parse`);
  }
}

export const publicKeyPem = (key: KeyObject): string =>
  (key.type === "public" ? key : createPublicKey(key)).export({ type: "spki", format: "pem" }).toString();
export const privateKeyPem = (key: KeyObject): string => key.export({ type: "pkcs8", format: "pem" }).toString();

const samePublicKey = (a: KeyObject, b: KeyObject): boolean => publicKeyPem(a) === publicKeyPem(b);

/** What the provider signs and verifies with, in one of the open platform's two key modes. */
export type AlipayKeys =
  | { mode: "key"; appPrivateKeyPem: string; alipayPublicKeyPem: string }
  | { mode: "cert"; appPrivateKeyPem: string; appCertPem: string; alipayCertPem: string; rootCertPem: string };

export interface AlipayKeySettings {
  /** When given, the app certificate must have been issued for this APPID. */
  app_id?: string | undefined;
  app_private_key: string;
  alipay_public_key?: string | undefined;
  app_cert?: string | undefined;
  alipay_public_cert?: string | undefined;
  alipay_root_cert?: string | undefined;
}

/**
 * The APPIDs an app certificate names: the open platform issues `appCertPublicKey_<APPID>.crt` with the APPID as the
 * subject's CN (docs/providers/alipay-f2f.md), so a 16-digit number there (a PID starts 2088, and is not one) or in
 * the file's name is the app it belongs to. Empty when neither names one (a certificate from another CA).
 */
export function appIdsOfAppCert(cert: X509Certificate, setting: string): string[] {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? "";
  const fromCn = (cn.match(/\d{16}/g) ?? []).filter((id) => !id.startsWith("2088"));
  const fromName = /appCertPublicKey_(\d{16})\.crt$/.exec(setting.trim())?.[1];
  return [...new Set([...fromCn, ...(fromName ? [fromName] : [])])];
}

/**
 * Loads and checks a channel's keys: the private key parses; in 公钥证书 mode the app certificate holds the public
 * half of that private key and names this app_id (the usual mistakes are another app's certificate or key), the
 * platform certificate is not the app's own and was issued by one of the roots in the root file. Throws
 * KeyMaterialError with the reason.
 */
export function loadAlipayKeys(s: AlipayKeySettings): AlipayKeys {
  const appKey = parsePrivateKey(s.app_private_key, "app_private_key");
  const appPrivateKeyPem = privateKeyPem(appKey);
  if (s.alipay_public_key !== undefined) {
    const pub = parsePublicKey(s.alipay_public_key, "alipay_public_key");
    if (samePublicKey(pub, appKey))
      throw new KeyMaterialError("alipay_public_key: this is the app public key (应用公钥); paste 支付宝公钥");
    return { mode: "key", appPrivateKeyPem, alipayPublicKeyPem: publicKeyPem(pub) };
  }
  if (!s.app_cert || !s.alipay_public_cert || !s.alipay_root_cert)
    throw new KeyMaterialError(
      "set alipay_public_key (公钥 mode), or app_cert, alipay_public_cert and alipay_root_cert",
    );
  const [appCert] = parseCertificates(s.app_cert, "app_cert");
  const [alipayCert] = parseCertificates(s.alipay_public_cert, "alipay_public_cert");
  const roots = parseCertificates(s.alipay_root_cert, "alipay_root_cert");
  if (!samePublicKey(appCert!.publicKey, appKey))
    throw new KeyMaterialError("app_cert: this certificate is not of app_private_key (another app's certificate?)");
  const named = appIdsOfAppCert(appCert!, s.app_cert);
  if (s.app_id !== undefined && named.length > 0 && !named.includes(s.app_id))
    throw new KeyMaterialError(
      `app_cert: issued for app ${named.join("/")}, not app_id ${s.app_id} (download appCertPublicKey_${s.app_id}.crt)`,
    );
  if (samePublicKey(alipayCert!.publicKey, appKey))
    throw new KeyMaterialError(
      "alipay_public_cert: this is the app certificate (应用公钥证书); use alipayCertPublicKey_RSA2.crt",
    );
  if (!roots.some((r) => alipayCert!.checkIssued(r) && alipayCert!.verify(r.publicKey)))
    throw new KeyMaterialError("alipay_public_cert: not issued by a certificate in alipay_root_cert");
  return {
    mode: "cert",
    appPrivateKeyPem,
    appCertPem: appCert!.toString(),
    alipayCertPem: alipayCert!.toString(),
    rootCertPem: roots.map((r) => r.toString()).join("\n"),
  };
}
