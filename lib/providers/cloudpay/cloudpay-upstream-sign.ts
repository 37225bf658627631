import { doubleMd5 } from "@/lib/crypto/digest";

/*
 * The 云端 upstream's signatures, in this provider's own words (docs/providers/cloudpay.md#signatures): which fields,
 * in which order, under the family's double MD5 (lib/crypto/digest.ts). The upstream speaks the protocol Paydesk also
 * serves (lib/merchant-api/cloudpay/cloudpay-sign.ts), but a provider answers to the upstream's word, not to Paydesk's
 * merchant API: the two may drift apart without one dragging the other along.
 */

/** Create: appkey, price, type, out_order_id, custom. */
export function upstreamCreateSign(
  p: { appkey: string; price: string; type: string; out_order_id: string; custom: string },
  appsecret: string,
): string {
  return doubleMd5([p.appkey, p.price, p.type, p.out_order_id, p.custom], appsecret);
}

/** Notify: appkey, then order_id, out_order_id, price, realprice, type, paytime, extend, as received. */
export function upstreamNotifySign(
  appkey: string,
  f: Record<"order_id" | "out_order_id" | "price" | "realprice" | "type" | "paytime" | "extend", string>,
  appsecret: string,
): string {
  return doubleMd5([appkey, f.order_id, f.out_order_id, f.price, f.realprice, f.type, f.paytime, f.extend], appsecret);
}
