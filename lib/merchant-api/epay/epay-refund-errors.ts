import type { RefundError, RefundErrorKind } from "@/lib/orders/refunds";

/** api.php's refund failure: the 彩虹易支付 server's code and message (docs/protocols/epay.md#refund). */
export interface EpayRefundFailure {
  code: number;
  msg: string;
}

/**
 * How epay answers each refund-service failure, in the words the 彩虹易支付 server uses for the same case
 * (docs/protocols/epay.md#refund). One table: a new kind is a type error here until it has an answer.
 */
const EPAY_REFUND_ANSWER: Record<RefundErrorKind, EpayRefundFailure> = {
  "order-not-found": { code: -1, msg: "当前订单不存在！" },
  "order-not-paid": { code: -1, msg: "该订单状态不支持退款！" },
  "amount-invalid": { code: -1, msg: "金额输入错误" },
  "exceeds-remaining": { code: -1, msg: "退款金额不能超过该订单剩余可退款金额！" },
  "refund-no-conflict": { code: -1, msg: "退款单号已用于另一笔金额不同的退款" },
  // The server's own words, then why: the money went straight into the receiving account, not through a platform.
  "channel-cannot-refund": {
    code: -1,
    msg: "当前支付通道不支持API退款：个人收款码的款项直接进入收款账户，请商户直接联系付款人退款，并在 Paydesk 控制台登记",
  },
};

/** The epay answer for a refund-service failure. */
export function epayRefundFailureFor(err: RefundError): EpayRefundFailure {
  return { ...EPAY_REFUND_ANSWER[err.kind] };
}
