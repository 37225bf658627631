import "server-only";
import type { Merchant } from "@/lib/config/schema";
import { formatYuan } from "@/lib/money";
import type { Order } from "@/lib/storage/records";
import type { MerchantApiMessages } from "../protocol";
import { platformKey } from "./epay-v2-platform-key";
import { epayV2Sign } from "./epay-v2-sign";

/**
 * The V2 notify and return (docs/protocols/epay-v2.md#notify-and-return): the order's fields, `timestamp`, signed
 * with Paydesk's platform key, `sign_type=RSA` beside `sign`. `timestamp` is the payment's second, not the sending's:
 * the message is written once when the order is paid and every retry sends it as written (lib/merchant-notify), and
 * the return URL built later must carry the same signature.
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
  const target = new URL(url);
  const params: Record<string, string> = {};
  for (const [k, v] of target.searchParams) if (v !== "" && k !== "sign" && k !== "sign_type") params[k] = v;
  for (const [k, v] of Object.entries(fields)) {
    if (v !== "") params[k] = v;
    else delete params[k];
  }
  const query = new URLSearchParams(params);
  query.set("sign_type", "RSA");
  query.set("sign", epayV2Sign(params, platformKey().privateKey));
  target.search = query.toString();
  return target.toString();
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

export function epayV2ReturnUrl(merchant: Merchant, order: Order): string | undefined {
  if (!merchant.epay_v2 || !order.return_url) return undefined;
  return signedEpayV2Url(order.return_url, epayV2ResultFields(merchant.epay_v2.pid, order));
}

/** `success` as a whole word, any case: the server's do_notify looks for it anywhere in the answer (strpos). */
const SUCCESS_WORD = /(?:^|[^a-z0-9_])success(?:$|[^a-z0-9_])/i;

export const epayV2Messages: MerchantApiMessages = {
  notifyMessage: epayV2Notification,
  returnUrl: epayV2ReturnUrl,
  // None recorded: a platform-key signature can never verify as a shop's request (those verify under the shop's own
  // public key), and at 344 characters it would not fit issued_signatures' varchar(64). No parameter has this name.
  signatureParam: "",
  // A V2 notify is a GET whose query says RSA; V1's says MD5 (so V1's `wrote` must not claim it first: see registry).
  wrote: (message) =>
    message.method === "GET" && (URL.parse(message.url)?.searchParams.get("sign_type") ?? "") === "RSA",
  isAck: (body) => SUCCESS_WORD.test(body),
};
