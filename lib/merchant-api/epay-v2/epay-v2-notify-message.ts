import "server-only";
import type { Merchant } from "@/lib/config/schema";
import { formatYuan } from "@/lib/money";
import type { Order } from "@/lib/storage/records";
import { signedQueryUrl } from "@/lib/merchant-api/epay-signed-url";
import type { MerchantApiMessages, NotifyMessage } from "../protocol";
import { platformKey } from "./epay-v2-platform-key";
import { epayV2Sign } from "./epay-v2-sign";

/**
 * The V2 notify and return (docs/protocols/epay-v2.md#notify-and-return): the order's fields, `timestamp`, signed
 * with Paydesk's platform key, `sign_type=RSA` beside `sign`. As written (at payment, into the outbox) `timestamp` is
 * the payment's second; each attempt is re-signed with the second it is sent (`refreshEpayV2Notification`), because
 * the published V2 SDK's notify check refuses a `timestamp` more than 300 s from the shop's clock.
 */
export function epayV2ResultFields(pid: string, order: Order): Record<string, string> {
  return {
    pid,
    trade_no: order.id,
    out_trade_no: order.out_order_id,
    type: order.type ?? "",
    trade_status: "TRADE_SUCCESS",
    name: order.name,
    money: formatYuan(order.price_fen),
    param: order.custom,
    timestamp: String(Math.floor((order.paid_at ?? order.created_at) / 1000)),
  };
}

/**
 * `url` with the signed query added before any `#fragment`. A query already in the shop's URL is kept and signed
 * too (its SDK verifies over every parameter it receives); empty values are never sent.
 */
export function signedEpayV2Url(url: string, fields: Record<string, string>): string {
  return signedQueryUrl(url, fields, (params) => ({
    sign_type: "RSA",
    sign: epayV2Sign(params, platformKey().privateKey),
  }));
}

export function epayV2Notification(
  merchant: Merchant,
  order: Order,
): { url: string; body: string; method: "GET" } | null {
  if (!merchant.epay_v2 || !order.notify_url) return null;
  return {
    url: signedEpayV2Url(order.notify_url, epayV2ResultFields(merchant.epay_v2.pid, order)),
    body: "",
    method: "GET",
  };
}

/**
 * The stored notify as it is sent at `now`: the same query (the shop's own parameters and the order's fields, in
 * their order) with `timestamp` set to `now`'s second and signed again with the platform key. A stored message
 * without a `timestamp` is not one this module wrote and goes out unchanged.
 */
export function refreshEpayV2Notification(message: NotifyMessage, now: number): NotifyMessage {
  const url = URL.parse(message.url);
  if (message.method !== "GET" || !url?.searchParams.has("timestamp")) return message;
  return { ...message, url: signedEpayV2Url(message.url, { timestamp: String(Math.floor(now / 1000)) }) };
}

export function epayV2ReturnUrl(merchant: Merchant, order: Order): string | undefined {
  if (!merchant.epay_v2 || !order.return_url) return undefined;
  return signedEpayV2Url(order.return_url, epayV2ResultFields(merchant.epay_v2.pid, order));
}

/** `success` as a whole word, any case: the server's do_notify looks for it anywhere in the answer (strpos). */
const SUCCESS_WORD = /(?:^|[^a-z0-9_])success(?:$|[^a-z0-9_])/i;

export const epayV2Messages: MerchantApiMessages = {
  notifyMessage: epayV2Notification,
  returnUrl: epayV2ReturnUrl,
  // None recorded, not even the fresh one each attempt carries: a platform-key signature never verifies as a shop's
  // request (those verify under the shop's own public key, which may not be the platform's: ./epay-v2-auth.ts), and
  // at 344 characters it would not fit issued_signatures' varchar(64). No parameter has this name.
  signatureParam: "",
  // A V2 notify is a GET whose query says RSA; V1's says MD5 (so V1's `wrote` must not claim it first: see registry).
  wrote: (message) =>
    message.method === "GET" && (URL.parse(message.url)?.searchParams.get("sign_type") ?? "") === "RSA",
  isAck: (body) => SUCCESS_WORD.test(body),
  refresh: refreshEpayV2Notification,
};
