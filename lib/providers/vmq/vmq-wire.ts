import { md5, signaturesEqual } from "@/lib/crypto/digest";
import type { ProviderAck } from "@/lib/providers/types";
import type { VmqWallet } from "./config";

/**
 * The monitor app's side of V免签 (docs/protocols/vmq.md#monitor-app): two signed GETs, every value signed exactly as the
 * app sent it.
 *   heartbeat: `appHeart?t={ms}&sign=md5(t + key)`
 *   payment:   `appPush?t={ms}&type={1|2}&price={Double.toString}&sign=md5(type + price + t + key)`
 */

/** The app's wallet numbers: 1 = WeChat, 2 = Alipay. */
export const WALLET_BY_CODE: Record<string, VmqWallet> = { "1": "wxpay", "2": "alipay" };

export function heartSign(t: string, key: string): string {
  return md5(t + key);
}

export function pushSign(type: string, price: string, t: string, key: string): string {
  return md5(type + price + t + key);
}

export function signMatches(expected: string, received: string | null): boolean {
  return received !== null && signaturesEqual(expected, received);
}

/**
 * Java's `Double.toString` of a yuan amount ("10.0", "0.01", "12.5", "100.25") → fen, without floating point. More
 * than two significant decimals, exponents or signs are not amounts a wallet notification can carry: null.
 */
export function parseJavaYuan(input: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,16}))?$/.exec(input);
  if (!m) return null;
  const decimals = (m[2] ?? "").replace(/0+$/, "");
  if (decimals.length > 2) return null;
  const fen = Number(m[1]) * 100 + Number(decimals.padEnd(2, "0"));
  return Number.isSafeInteger(fen) ? fen : null;
}

/**
 * The app's timestamps: milliseconds since the epoch, as Java writes a long (no leading zero). A leading zero would
 * give a second spelling of one time: a push signed over "27.10" + "17…" would also read as "27.1" + "017…", the same
 * t under a new trade number.
 */
export function parseMillis(input: string | null): number | null {
  return input !== null && /^[1-9]\d{9,15}$/.test(input) ? Number(input) : null;
}

/** vmqphp's answer envelope, which the app shows to its user: `{code: 1 | -1, msg, data}`. */
export function vmqAck(code: 1 | -1, msg: string): ProviderAck {
  return {
    status: 200,
    body: JSON.stringify({ code, msg, data: null }),
    contentType: "application/json; charset=utf-8",
  };
}
