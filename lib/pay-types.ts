/**
 * The three wallets the merchant protocols know. A merchant-protocol word, not a provider detail: providers, channels,
 * the cashier and every merchant API share this one list.
 */
export const PAY_TYPES = ["alipay", "wxpay", "qqpay"] as const;
export type PayType = (typeof PAY_TYPES)[number];

export function isPayType(value: string): value is PayType {
  return (PAY_TYPES as readonly string[]).includes(value);
}
