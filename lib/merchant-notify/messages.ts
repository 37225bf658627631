import "server-only";
import type { Merchant } from "@/lib/config";
import { formatYuan } from "@/lib/money";
import { buildReturnUrl, notifySign, type MerchantNotifyFields } from "@/lib/merchant-protocol/sign";
import { epayNotification, epayReturnUrl } from "@/lib/merchant-protocol/epay/messages";
import { vmqNotification, vmqReturnUrl } from "@/lib/merchant-protocol/vmq/vmq-messages";
import type { NotificationMethod, Order } from "@/lib/storage/records";

/**
 * The async notify form for a paid order (PROTOCOLS §1.2), signed, as the exact body every retry will send. It also
 * carries `appkey` (outside the sign): the 云端 vendor's own receivers read it from the request (§7).
 */
export function buildNotifyBody(merchant: Merchant, order: Order): string {
  if (order.real_fen === null || order.paid_at === null) throw new Error(`order ${order.id} is not paid`);
  const fields: MerchantNotifyFields = {
    order_id: order.id,
    out_order_id: order.out_order_id,
    price: formatYuan(order.price_fen),
    realprice: formatYuan(order.real_fen),
    type: order.type ?? "",
    paytime: String(Math.floor(order.paid_at / 1000)),
    extend: order.custom,
  };
  const form = new URLSearchParams({
    appkey: merchant.appkey,
    ...fields,
    sign: notifySign(merchant.appkey, fields, merchant.appsecret),
  });
  return form.toString();
}

/** A notification as the outbox stores it. */
export interface OutboxMessage {
  url: string;
  body: string;
  method: NotificationMethod;
}

/**
 * The notification a paid order sends, in the format of the protocol that created it: a 云端 form POST to the
 * merchant's configured notify_url, an epay GET to the order's own notify_url, or a V免签 GET (the order's notifyUrl,
 * else the merchant's notify_url). Null when there is nowhere to send.
 */
export function notificationFor(merchant: Merchant, order: Order): OutboxMessage | null {
  if (order.protocol === "epay") return epayNotification(merchant, order);
  if (order.protocol === "vmq") return vmqNotification(merchant, order);
  if (!merchant.notify_url) return null;
  return { url: merchant.notify_url, body: buildNotifyBody(merchant, order), method: "POST" };
}

/**
 * Every signature a paid order's messages carry: its notification's and its return URL's, read from the messages
 * themselves, so what is remembered (lib/orders/signature-guard.ts) is exactly what goes out. A merchant URL may
 * bring a `sign` parameter of its own; it is kept too (refusing it as a request costs nothing).
 */
export function issuedSignatures(merchant: Merchant, order: Order): string[] {
  const signs: string[] = [];
  const message = notificationFor(merchant, order);
  if (message) {
    signs.push(...new URL(message.url).searchParams.getAll("sign"));
    if (message.method === "POST") signs.push(...new URLSearchParams(message.body).getAll("sign"));
  }
  const back = signedReturnUrl(merchant, order);
  if (back) signs.push(...new URL(back).searchParams.getAll("sign"));
  return [...new Set(signs.filter((s) => s !== ""))];
}

/** The signed sync return URL for a paid order, in its protocol's format (云端: PROTOCOLS §1.3, `product_id` = `custom`). */
export function signedReturnUrl(merchant: Merchant, order: Order): string | undefined {
  if (order.protocol === "epay") return epayReturnUrl(merchant, order);
  if (order.protocol === "vmq") return vmqReturnUrl(merchant, order);
  if (!merchant.return_url) return undefined;
  return buildReturnUrl(merchant.return_url, merchant.appkey, merchant.appsecret, {
    price: formatYuan(order.price_fen),
    type: order.type ?? "",
    product_id: order.custom,
    order_id: order.id,
    out_order_id: order.out_order_id,
  });
}
