import "server-only";
import type { Merchant } from "@/lib/config/schema";
import { formatYuan } from "@/lib/money";
import type { Order } from "@/lib/storage/records";
import { isBareSuccess, type MerchantApiMessages, type NotifyMessage } from "../protocol";
import { buildReturnUrl, notifySign, type MerchantNotifyFields } from "./cloudpay-sign";

/**
 * The async notify form for a paid order (docs/protocols/cloudpay.md#notify), signed, as the exact body every retry
 * will send. It also carries `appkey` (outside the sign): the 云端 vendor's own receivers read it from the request
 * (docs/protocols/cloudpay.md#vendor-clients).
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

/** A 云端 notify: a form POST to the merchant's configured notify_url (none configured: nowhere to send). */
export function cloudpayNotification(merchant: Merchant, order: Order): NotifyMessage | null {
  if (!merchant.notify_url) return null;
  return { url: merchant.notify_url, body: buildNotifyBody(merchant, order), method: "POST" };
}

/**
 * The signed sync return URL (docs/protocols/cloudpay.md#return, `product_id` = `custom`) to the merchant's configured
 * return_url.
 */
export function cloudpayReturnUrl(merchant: Merchant, order: Order): string | undefined {
  if (!merchant.return_url) return undefined;
  return buildReturnUrl(merchant.return_url, merchant.appkey, merchant.appsecret, {
    price: formatYuan(order.price_fen),
    type: order.type ?? "",
    product_id: order.custom,
    order_id: order.id,
    out_order_id: order.out_order_id,
  });
}

export const cloudpayMessages: MerchantApiMessages = {
  notifyMessage: cloudpayNotification,
  returnUrl: cloudpayReturnUrl,
  signatureParam: "sign",
  // 云端 is the only protocol whose notify is a form POST.
  wrote: (message) => message.method === "POST",
  isAck: isBareSuccess,
};
