import "server-only";
import type { Merchant } from "@/lib/config/schema";
import { formatYuan } from "@/lib/money";
import type { Order } from "@/lib/storage/records";
import { isBareSuccess, type MerchantApiMessages } from "../protocol";
import { resultSign, vmqTypeCode } from "./vmq-merchant-sign";

/**
 * The signed result query of a paid V免签-protocol order, the same for the notify GET and the return URL
 * (docs/protocols/vmq.md#notify-and-return): `payId, param, type, price, reallyPrice, sign`. `price` is the shop's own
 * string, as it signed it; `reallyPrice` the amount actually paid.
 */
export function vmqResultQuery(key: string, order: Order): URLSearchParams {
  const paid = order.real_fen ?? order.pay_amount_fen;
  const fields = {
    payId: order.out_order_id,
    param: order.custom,
    type: vmqTypeCode(order.type ?? ""),
    price: order.price_raw,
    reallyPrice: formatYuan(paid),
  };
  return new URLSearchParams({ ...fields, sign: resultSign(fields, key) });
}

/** `base` with the query appended (after any query it has, before any `#fragment`, which browsers keep). */
export function withQuery(base: string, query: URLSearchParams): string {
  const hash = base.indexOf("#");
  const head = hash === -1 ? base : base.slice(0, hash);
  const fragment = hash === -1 ? "" : base.slice(hash);
  const joiner = head.includes("?") ? (head.endsWith("?") || head.endsWith("&") ? "" : "&") : "?";
  return `${head}${joiner}${query.toString()}${fragment}`;
}

/** The notify GET: to the order's own notifyUrl, else the merchant's configured notify_url (vmqphp's own default). */
export function vmqNotification(merchant: Merchant, order: Order): { url: string; body: string; method: "GET" } | null {
  const target = order.notify_url ?? merchant.notify_url;
  if (!target || !merchant.vmq) return null;
  return { url: withQuery(target, vmqResultQuery(merchant.vmq.key, order)), body: "", method: "GET" };
}

/** The signed return URL the payer's browser goes to: the order's returnUrl, else the merchant's return_url. */
export function vmqReturnUrl(merchant: Merchant, order: Order): string | undefined {
  const target = order.return_url ?? merchant.return_url;
  if (!target || !merchant.vmq) return undefined;
  return withQuery(target, vmqResultQuery(merchant.vmq.key, order));
}

export const vmqMessages: MerchantApiMessages = {
  notifyMessage: vmqNotification,
  returnUrl: vmqReturnUrl,
  signatureParam: "sign",
  // A V免签 notify is a GET whose signed query carries `reallyPrice`.
  wrote: (message) => message.method === "GET" && (URL.parse(message.url)?.searchParams.has("reallyPrice") ?? false),
  isAck: isBareSuccess,
};
