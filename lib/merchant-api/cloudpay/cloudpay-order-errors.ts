import type { OrderError, OrderErrorKind } from "@/lib/orders/order-errors";
import { MerchantCode, MerchantError, type MerchantCodeValue } from "./cloudpay-codes";

/**
 * How 云端 answers each order-service failure: its code, and whether the domain's words follow the code's own
 * (`未知错误: 商户订单号已存在`) or the providers' reasons do (`队列创建错误: PAYJS：…`). One table: a new kind is a
 * type error here until it has a code.
 */
const CLOUDPAY_ANSWER: Record<OrderErrorKind, { code: MerchantCodeValue; says: "reason" | "text" }> = {
  "type-not-served": { code: MerchantCode.TYPE_CLOSED, says: "reason" },
  "channel-unavailable": { code: MerchantCode.NO_CHANNEL, says: "reason" },
  "channels-full": { code: MerchantCode.NO_CHANNEL, says: "reason" },
  "upstream-failed": { code: MerchantCode.UPSTREAM_FAILED, says: "reason" },
  "quota-exceeded": { code: MerchantCode.QUOTA_EXCEEDED, says: "reason" },
  "duplicate-with-other-fields": { code: MerchantCode.UNKNOWN, says: "text" },
  "still-creating": { code: MerchantCode.UNKNOWN, says: "text" },
  // One signature, one order: the bad-signature answer (and so the wrong-signature budget).
  "signature-used": { code: MerchantCode.SIGN_INVALID, says: "text" },
};

/** The 云端 error for an order-service failure. */
export function cloudpayErrorFor(err: OrderError): MerchantError {
  const answer = CLOUDPAY_ANSWER[err.kind];
  const detail = answer.says === "text" ? err.message : err.detail;
  return new MerchantError(answer.code, detail || undefined);
}
