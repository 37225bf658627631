import "server-only";
import type { Merchant } from "@/lib/config/schema";
import { formatYuan } from "@/lib/money";
import type { Order } from "@/lib/storage/records";
import { signedQueryUrl } from "@/lib/merchant-api/epay-signed-url";
import type { MerchantApiMessages } from "../protocol";
import { epaySign } from "./epay-sign";

/** The fields of an epay notify and return (docs/protocols/epay.md#notify-and-return), before signing. */
export interface EpayResultFields {
  pid: string;
  trade_no: string;
  out_trade_no: string;
  type: string;
  name: string;
  money: string;
  trade_status: "TRADE_SUCCESS";
  param: string;
}

export function epayResultFields(pid: string, order: Order): EpayResultFields {
  return {
    pid,
    trade_no: order.id,
    out_trade_no: order.out_order_id,
    type: order.type ?? "",
    name: order.name,
    // The order's money with two decimals, as the platform's own database column holds it: shops compare it.
    money: formatYuan(order.price_fen),
    trade_status: "TRADE_SUCCESS",
    param: order.custom,
  };
}

/**
 * `url` with the signed query of `fields` added before any `#fragment` (v2board's return URL is `…/#/order/{no}`).
 * A query the shop already put in the URL is kept and signed too, because the clients verify over every query
 * parameter they receive. Empty values are never sent (a client that signs empty fields and one that drops them then
 * compute the same string); `sign_type=MD5` travels beside `sign`, unsigned.
 */
export function signedEpayUrl(url: string, fields: EpayResultFields, key: string): string {
  return signedQueryUrl(url, fields, (params) => ({ sign: epaySign(params, key), sign_type: "MD5" }));
}

/** The GET notification of a paid epay order: its URL carries everything, the body is empty. */
export function epayNotification(
  merchant: Merchant,
  order: Order,
): { url: string; body: string; method: "GET" } | null {
  if (!merchant.epay || !order.notify_url) return null;
  return {
    url: signedEpayUrl(order.notify_url, epayResultFields(merchant.epay.pid, order), merchant.epay.key),
    body: "",
    method: "GET",
  };
}

/** The payer's way back: `return_url` with the same signed query as the notify. */
export function epayReturnUrl(merchant: Merchant, order: Order): string | undefined {
  if (!merchant.epay || !order.return_url) return undefined;
  return signedEpayUrl(order.return_url, epayResultFields(merchant.epay.pid, order), merchant.epay.key);
}

/** `success` as a whole word, any case: 彩虹易支付's do_notify looks for it anywhere in the answer. */
const SUCCESS_WORD = /(?:^|[^a-z0-9_])success(?:$|[^a-z0-9_])/i;

export const epayMessages: MerchantApiMessages = {
  notifyMessage: epayNotification,
  returnUrl: epayReturnUrl,
  signatureParam: "sign",
  // An epay notify is a GET whose signed query always carries `trade_status`.
  wrote: (message) => message.method === "GET" && (URL.parse(message.url)?.searchParams.has("trade_status") ?? false),
  // The word `success` anywhere, as 彩虹易支付 and its clones check with strpos: `success` after a PHP notice or inside
  // a tiny HTML page counts; `unsuccessful` does not.
  isAck: (body) => SUCCESS_WORD.test(body),
};
