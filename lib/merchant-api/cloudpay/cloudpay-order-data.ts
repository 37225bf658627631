import "server-only";
import type { AppContext } from "@/lib/context";
import { formatYuan } from "@/lib/money";
import type { Order } from "@/lib/storage/records";

/** The `data` of a successful create (docs/protocols/cloudpay.md#create plus Paydesk's additions). */
export interface CreateOrderData {
  pay_url: string;
  qrcode_url: string;
  params: { appkey: string; price: string; type: string; out_order_id: string; custom: string; sign: string };
  order_id: string;
  status: string;
  price: string;
  pay_amount: string;
  expires_at: number;
  qr_content: string;
}

export function orderData(ctx: AppContext, order: Order): CreateOrderData {
  const base = ctx.config.baseUrl;
  return {
    pay_url: `${base}/pay/${order.id}`,
    qrcode_url: `${base}/pay/${order.id}/qrcode`,
    params: {
      appkey: order.appkey,
      price: order.price_raw,
      type: order.type ?? "",
      out_order_id: order.out_order_id,
      custom: order.custom,
      sign: order.request_sign,
    },
    order_id: order.id,
    status: order.status,
    price: formatYuan(order.price_fen),
    pay_amount: formatYuan(order.pay_amount_fen),
    expires_at: Math.floor(order.expires_at / 1000),
    qr_content: order.payload,
  };
}
