import type { OrderError, OrderErrorKind } from "@/lib/orders/order-errors";
import { EPAY_BAD_SIGN, EpayError } from "./epay-codes";

/** `words` followed by the providers' reasons, when there are any. */
const withReason = (words: string) => (err: OrderError) => (err.detail ? `${words}: ${err.detail}` : words);

/**
 * How epay answers each order-service failure: clients read only `msg` (code is always -1), so the table gives the
 * message; the wording is the one epay shops have seen since Paydesk first spoke epay. One table: a new kind is a
 * type error here until it has an answer.
 */
const EPAY_ANSWER: Record<OrderErrorKind, (err: OrderError) => string> = {
  "type-not-served": withReason("当前支付方式已关闭"),
  "channel-unavailable": withReason("无可用支付方式"),
  "channels-full": withReason("无可用支付方式"),
  "upstream-failed": withReason("队列创建错误"),
  "quota-exceeded": withReason("套餐已超额"),
  "duplicate-with-other-fields": () => "未知错误: 商户订单号已存在",
  "still-creating": () => "未知错误: 订单创建中，请稍后重试",
  // One signature, one order: a bad sign (counted against the wrong-signature budget by its prefix).
  "signature-used": () => `${EPAY_BAD_SIGN}：该签名已用于另一笔订单`,
};

/** The epay error for an order-service failure. */
export function epayErrorFor(err: OrderError): EpayError {
  return new EpayError(EPAY_ANSWER[err.kind](err));
}
