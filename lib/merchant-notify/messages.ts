import "server-only";
import type { Merchant } from "@/lib/config";
import { formatYuan } from "@/lib/money";
import { buildReturnUrl, notifySign, type MerchantNotifyFields } from "@/lib/merchant-protocol/sign";
import type { OrderRow } from "@/lib/storage/orders-repo";

/** The async notify form for a paid order (PROTOCOLS §1.2), signed, as the exact body every retry will send. */
export function buildNotifyBody(merchant: Merchant, order: OrderRow): string {
  if (order.real_fen === null || order.paid_at === null) throw new Error(`order ${order.id} is not paid`);
  const fields: MerchantNotifyFields = {
    order_id: order.id,
    out_order_id: order.out_order_id,
    price: formatYuan(order.price_fen),
    realprice: formatYuan(order.real_fen),
    type: order.type,
    paytime: String(Math.floor(order.paid_at / 1000)),
    extend: order.custom,
  };
  const form = new URLSearchParams({ ...fields, sign: notifySign(merchant.appkey, fields, merchant.appsecret) });
  return form.toString();
}

/** The signed sync return URL for a paid order (PROTOCOLS §1.3); `product_id` carries `custom`. */
export function signedReturnUrl(merchant: Merchant, order: OrderRow): string | undefined {
  if (!merchant.return_url) return undefined;
  return buildReturnUrl(merchant.return_url, merchant.appkey, merchant.appsecret, {
    price: formatYuan(order.price_fen),
    type: order.type,
    product_id: order.custom,
    order_id: order.id,
    out_order_id: order.out_order_id,
  });
}
