import { createHash, createSign, createVerify, X509Certificate } from "node:crypto";
import type { EmulatorFaults, NotifyAck, PayOptions } from "./emulator-kit";

/**
 * The Alipay emulator's wire rules and types: Beijing timestamps, yuan amounts, certificate SNs, the OpenAPI 2.0
 * sign content and RSA2 (see alipay-f2f-emulator.ts).
 */

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const beijing = (ms: number) => new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
export const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
export const fenOf = (y: string) => (/^\d+(\.\d{1,2})?$/.test(y) ? Math.round(Number(y) * 100) : NaN);

/** Alipay's certificate SN: md5 of the issuer DN (most specific first, `,`-joined) and the decimal serial. */
export function alipayCertSn(cert: X509Certificate): string {
  const issuer = cert.issuer.split("\n").reverse().join(",");
  const serial = BigInt(`0x${cert.serialNumber}`).toString(10);
  return createHash("md5")
    .update(issuer + serial, "utf8")
    .digest("hex");
}

/** The root SN: the SNs of the RSA roots in the root file, `_`-joined (its EC/SM2 roots do not count). */
export function alipayRootCertSn(pem: string): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks
    .map((b) => new X509Certificate(b))
    .filter((c) => c.publicKey.asymmetricKeyType === "rsa")
    .map(alipayCertSn)
    .join("_");
}

/** The OpenAPI 2.0 sign content: non-empty fields but the excluded ones, sorted, `k=v` joined by `&`. */
export function alipaySignContent(fields: Record<string, string>, exclude: string[]): string {
  return Object.keys(fields)
    .filter((k) => !exclude.includes(k) && fields[k] !== "" && fields[k] !== undefined)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join("&");
}

export const rsa2Sign = (content: string, privateKeyPem: string) =>
  createSign("RSA-SHA256").update(content, "utf8").sign(privateKeyPem, "base64");
export const rsa2Verify = (content: string, sign: string, publicKeyPem: string | X509Certificate["publicKey"]) => {
  try {
    return createVerify("RSA-SHA256").update(content, "utf8").verify(publicKeyPem, sign, "base64");
  } catch {
    return false;
  }
};

export type AlipayEmulatorKeys =
  | { mode: "key"; appPublicKey: string; platformPrivateKey: string }
  | { mode: "cert"; appCert: string; platformCert: string; rootCert: string; platformPrivateKey: string };

export interface AlipayEmulatorOptions {
  appId: string;
  keys: AlipayEmulatorKeys;
  /** The merchant's PID, reported as seller_id. */
  sellerId?: string;
  /** The platform's clock (ms); the tests pass Paydesk's manual clock. */
  now?: () => number;
  /** What the merchant can refund from (ACQ.SELLER_BALANCE_NOT_ENOUGH below it); unlimited by default. */
  balanceFen?: number;
  port?: number;
}

export type AlipayTradeStatus = "NOT_SCANNED" | "WAIT_BUYER_PAY" | "TRADE_SUCCESS" | "TRADE_CLOSED" | "TRADE_FINISHED";

export interface AlipayEmulatorRefund {
  out_request_no: string;
  refund_amount: number;
  gmt_refund_pay: string;
}

export interface AlipayEmulatorOrder {
  out_trade_no: string;
  total_amount: number;
  subject: string;
  notifyUrl: string;
  time_expire: string;
  trade_no: string;
  status: AlipayTradeStatus;
  /** Whether the precreate's signature checked out. */
  signatureValid: boolean;
  fields: Record<string, string>;
  biz: Record<string, unknown>;
  refunds: AlipayEmulatorRefund[];
  lastNotify?: string;
}

export interface AlipayEmulatorCall {
  method: string;
  signatureValid: boolean;
  biz: Record<string, unknown>;
  /** The sub_code answered, or "" for a success. */
  answered: string;
}

export interface AlipayPayOptions extends PayOptions {
  /** Change a signed field after signing (an altered notify). */
  tamper?: Record<string, string>;
  /** Send as another app (signed genuinely: one platform key serves every app). */
  appId?: string;
  tradeStatus?: AlipayTradeStatus;
  /** Extra fields, signed (a refund's re-sent notify carries refund_fee, gmt_refund, out_biz_no). */
  extra?: Record<string, string>;
  /** Replays when the merchant does not answer `success` (Alipay's retry schedule, without the waiting). */
  retries?: number;
}

export interface AlipayEmulator {
  url: string;
  /** The `gateway` to configure. */
  gateway: string;
  orders: AlipayEmulatorOrder[];
  calls: AlipayEmulatorCall[];
  faults: EmulatorFaults;
  setFaults(f: Partial<EmulatorFaults>): void;
  order(outTradeNo: string): AlipayEmulatorOrder;
  /** The payer scans the code: the trade exists, waiting for payment. */
  scan(outTradeNo: string): void;
  /** The payer pays: the trade succeeds and its notify is sent. */
  pay(outTradeNo: string, opts?: AlipayPayOptions): Promise<NotifyAck[]>;
  /** The trade succeeds but the notify is lost. */
  markPaid(outTradeNo: string): void;
  /** The form body of a notify for this order, signed as chosen (for forgery tests). */
  notifyBody(outTradeNo: string, opts?: AlipayPayOptions): string;
  setBalance(fen: number | undefined): void;
  close(): Promise<void>;
}
