import { formatYuan } from "@/lib/money";
import type { RefundError, RefundErrorKind } from "@/lib/orders/refunds";
import { CloudpayCode, CloudpayError, type CloudpayCodeValue } from "./cloudpay-codes";

/**
 * How 云端 answers each refund-service failure: a code of docs/protocols/cloudpay.md#status-codes and the detail after its message
 * (docs/protocols/cloudpay.md#refund). One table: a new kind is a type error here until it has a code.
 */
const CLOUDPAY_REFUND_ANSWER: Record<RefundErrorKind, { code: CloudpayCodeValue; detail: string }> = {
  "order-not-found": { code: CloudpayCode.UNKNOWN, detail: "订单不存在" },
  "order-not-paid": { code: CloudpayCode.UNKNOWN, detail: "订单未支付，不能退款" },
  "amount-invalid": { code: CloudpayCode.PRICE_INVALID, detail: "退款金额须为大于 0 的元金额，最多两位小数" },
  "exceeds-remaining": { code: CloudpayCode.UNKNOWN, detail: "退款金额超过订单剩余可退金额" },
  "refund-no-conflict": { code: CloudpayCode.UNKNOWN, detail: "退款单号已用于另一笔金额不同的退款" },
  // The money went straight into the receiving account: the operator pays it back by hand and records it.
  "channel-cannot-refund": {
    code: CloudpayCode.UNKNOWN,
    detail: "该订单的支付通道（个人收款码）不能原路退款，请商户直接联系付款人退款，并在 Paydesk 控制台登记",
  },
};

/** The 云端 error for a refund-service failure. */
export function cloudpayRefundErrorFor(err: RefundError): CloudpayError {
  const answer = CLOUDPAY_REFUND_ANSWER[err.kind];
  const remaining = err.remainingFen !== null ? `（剩余 ${formatYuan(err.remainingFen)} 元）` : "";
  return new CloudpayError(answer.code, `${answer.detail}${remaining}`);
}
