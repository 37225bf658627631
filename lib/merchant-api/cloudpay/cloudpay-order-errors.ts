import type { OrderError, OrderErrorKind } from "@/lib/orders/order-errors";
import { CloudpayCode, CloudpayError, type CloudpayCodeValue } from "./cloudpay-codes";

/**
 * How 云端 answers each order-service failure: its code, and whether the domain's words follow the code's own
 * (`未知错误: 商户订单号已存在`) or the providers' reasons do (`队列创建错误: PAYJS：…`). One table: a new kind is a
 * type error here until it has a code.
 */
const CLOUDPAY_ANSWER: Record<OrderErrorKind, { code: CloudpayCodeValue; says: "reason" | "text" }> = {
  "type-not-served": { code: CloudpayCode.TYPE_CLOSED, says: "reason" },
  "channel-unavailable": { code: CloudpayCode.NO_CHANNEL, says: "reason" },
  "channels-full": { code: CloudpayCode.NO_CHANNEL, says: "reason" },
  "upstream-failed": { code: CloudpayCode.UPSTREAM_FAILED, says: "reason" },
  "quota-exceeded": { code: CloudpayCode.QUOTA_EXCEEDED, says: "reason" },
  "duplicate-with-other-fields": { code: CloudpayCode.UNKNOWN, says: "text" },
  "still-creating": { code: CloudpayCode.UNKNOWN, says: "text" },
  // One signature, one order: the bad-signature answer (and so the wrong-signature budget).
  "signature-used": { code: CloudpayCode.SIGN_INVALID, says: "text" },
};

/** The 云端 error for an order-service failure. */
export function cloudpayErrorFor(err: OrderError): CloudpayError {
  const answer = CLOUDPAY_ANSWER[err.kind];
  const detail = answer.says === "text" ? err.message : err.detail;
  return new CloudpayError(answer.code, detail || undefined);
}
