import type { OrderError, OrderErrorKind } from "@/lib/orders/order-errors";
import type { RefundError, RefundErrorKind } from "@/lib/orders/refunds";
import { EPAY_V2_BAD_SIGN, EPAY_V2_BAD_SIGN_MESSAGE, EPAY_V2_FAIL, EpayV2Error } from "./epay-v2-codes";

/** `words` followed by the providers' reasons, when there are any. */
const withReason = (words: string) => (err: OrderError) => (err.detail ? `${words}: ${err.detail}` : words);

/**
 * How V2 answers each order-service failure: code -1 and the words epay shops have read from Paydesk's V1 (they
 * check `code`, then show `msg`); a signature that already made an order is a signature refusal (-3). One table:
 * a new kind is a type error here until it has an answer.
 */
const ORDER_ANSWER: Record<OrderErrorKind, (err: OrderError) => string> = {
  "type-not-served": withReason("当前支付方式已关闭"),
  "channel-unavailable": withReason("无可用支付方式"),
  "channels-full": withReason("无可用支付方式"),
  "upstream-failed": withReason("队列创建错误"),
  "quota-exceeded": withReason("套餐已超额"),
  "duplicate-with-other-fields": () => "该订单支付参数有变化，请更换订单号重新发起支付",
  "still-creating": () => "订单创建中，请稍后重试",
  "signature-used": () => EPAY_V2_BAD_SIGN_MESSAGE,
};

export function epayV2OrderError(err: OrderError): EpayV2Error {
  return new EpayV2Error(ORDER_ANSWER[err.kind](err), err.kind === "signature-used" ? EPAY_V2_BAD_SIGN : EPAY_V2_FAIL);
}

/** How `pay/refund` answers each refund-service failure, in the 彩虹易支付 server's words for the same case. */
const REFUND_ANSWER: Record<RefundErrorKind, string> = {
  "order-not-found": "当前订单不存在！",
  "order-not-paid": "该订单状态不支持退款！",
  "amount-invalid": "金额输入错误",
  "exceeds-remaining": "退款金额不能超过该订单剩余可退款金额！",
  "refund-no-conflict": "退款单号已用于另一笔金额不同的退款",
  // The server's words, then why: the money went straight into the receiving account, not through a platform.
  "channel-cannot-refund":
    "当前支付通道不支持API退款：个人收款码的款项直接进入收款账户，请商户直接联系付款人退款，并在 Paydesk 控制台登记",
};

export function epayV2RefundError(err: RefundError): EpayV2Error {
  return new EpayV2Error(REFUND_ANSWER[err.kind]);
}
