import { md5 } from "@/lib/crypto/digest";
import type { PayType } from "@/lib/pay-types";

/**
 * V免签's merchant-side signatures (docs/protocols/vmq.md#signatures): plain MD5 over the values concatenated exactly as
 * sent, then the merchant's communication key. No separators, no sorting.
 */

/** createOrder: `md5(payId + param + type + price + key)`. */
export function createOrderSign(p: { payId: string; param: string; type: string; price: string }, key: string): string {
  return md5(p.payId + p.param + p.type + p.price + key);
}

/** closeOrder: `md5(orderId + key)`. */
export function closeOrderSign(orderId: string, key: string): string {
  return md5(orderId + key);
}

/** getState: `md5(t + key)`. */
export function stateSign(t: string, key: string): string {
  return md5(t + key);
}

/** The notify and return query: `md5(payId + param + type + price + reallyPrice + key)`. */
export function resultSign(
  p: { payId: string; param: string; type: string; price: string; reallyPrice: string },
  key: string,
): string {
  return md5(p.payId + p.param + p.type + p.price + p.reallyPrice + key);
}

/** V免签's wallet numbers: 1 = WeChat, 2 = Alipay. */
const TYPE_BY_CODE: Record<string, PayType> = { "1": "wxpay", "2": "alipay" };
const CODE_BY_TYPE: Partial<Record<PayType, string>> = { wxpay: "1", alipay: "2" };

export function payTypeFromVmq(code: string): PayType | null {
  return TYPE_BY_CODE[code] ?? null;
}

export function vmqTypeCode(type: string): string {
  return CODE_BY_TYPE[type as PayType] ?? "";
}
