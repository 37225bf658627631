import { createCipheriv, randomBytes } from "node:crypto";
import type { EmulatorFaults, NotifyAck, PayOptions } from "./emulator-kit";

/** The WeChat Pay emulator's types and wire helpers (see wechat-v3-emulator.ts). */

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const rfc3339 = (ms: number) => `${new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;

export interface WechatV3EmulatorOptions {
  mchid: string;
  appid: string;
  apiv3Key: string;
  /** The merchant's certificate (or bare public key) and its serial: how requests are verified. */
  merchantPublicKey: string;
  merchantSerial: string;
  /** How answers and notifies are signed. */
  signer: { serial: string; privateKey: string };
  now?: () => number;
  /** What the merchant can refund from (NOT_ENOUGH below it); unlimited by default. */
  balanceFen?: number;
  port?: number;
}

export type WechatTradeState = "NOTPAY" | "SUCCESS" | "CLOSED" | "REFUND";

export interface WechatEmulatorRefund {
  refund_id: string;
  out_refund_no: string;
  refund: number;
  status: "SUCCESS" | "PROCESSING" | "ABNORMAL" | "CLOSED";
  create_time: string;
}

export interface WechatEmulatorOrder {
  out_trade_no: string;
  total: number;
  description: string;
  notifyUrl: string;
  time_expire: string;
  transaction_id: string;
  trade_state: WechatTradeState;
  signatureValid: boolean;
  body: Record<string, unknown>;
  refunds: WechatEmulatorRefund[];
}

export interface WechatEmulatorCall {
  method: string;
  path: string;
  signatureValid: boolean;
  /** Why the Authorization was refused, if it was. */
  refused?: string;
  status: number;
}

export interface WechatPayOptions extends PayOptions {
  /** Change the body after signing (an altered notify). */
  tamper?: (body: string) => string;
  /** Shift the notify's signed timestamp (a replay of an old notify: -10 min). */
  timestampOffsetMs?: number;
  /** Claim a serial Paydesk does not know. */
  serial?: string;
  /** Encrypt the resource under another key. */
  apiv3Key?: string;
  mchid?: string;
  appid?: string;
  /** Re-sends while the merchant does not answer 200/204. */
  retries?: number;
}

export interface WechatV3Emulator {
  url: string;
  /** The `base_url` to configure. */
  baseUrl: string;
  orders: WechatEmulatorOrder[];
  calls: WechatEmulatorCall[];
  faults: EmulatorFaults;
  setFaults(f: Partial<EmulatorFaults>): void;
  order(outTradeNo: string): WechatEmulatorOrder;
  pay(outTradeNo: string, opts?: WechatPayOptions): Promise<NotifyAck[]>;
  /** The payment succeeds but its notify is lost. */
  markPaid(outTradeNo: string): void;
  /** A signed notify (body and headers) for this order, for forgery and replay tests. */
  notify(outTradeNo: string, opts?: WechatPayOptions): { body: string; headers: Record<string, string> };
  /** Sends the REFUND.SUCCESS notify of a refund to `url`. */
  refundNotify(outRefundNo: string, url: string): Promise<NotifyAck>;
  setBalance(fen: number | undefined): void;
  setRefundStatus(outRefundNo: string, status: WechatEmulatorRefund["status"]): void;
  close(): Promise<void>;
}

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",…`; null when it is not that scheme. */
export function parseAuthorization(header: string | undefined): Record<string, string> | null {
  const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header ?? "");
  if (!m) return null;
  const out: Record<string, string> = {};
  for (const part of m[1]!.split(",")) {
    const kv = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part);
    if (kv) out[kv[1]!] = kv[2]!;
  }
  return out;
}

export function encrypt(key: string, plain: string, associated: string) {
  const nonce = randomBytes(6).toString("hex");
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(key, "utf8"), Buffer.from(nonce, "utf8"));
  cipher.setAAD(Buffer.from(associated, "utf8"));
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: "AEAD_AES_256_GCM", ciphertext: data.toString("base64"), associated_data: associated, nonce };
}

/** One answer before signing. */
export interface Out {
  status: number;
  body: string;
  sign: boolean;
  contentType?: string;
}
export const reply = (status: number, value: unknown): Out => ({
  status,
  body: value === undefined ? "" : JSON.stringify(value),
  sign: true,
});
export const fail = (status: number, code: string, message: string) => reply(status, { code, message });
