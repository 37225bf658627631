import type { OrderError, OrderErrorKind } from "@/lib/orders/order-errors";
import { VMQ_BAD_SIGN, VmqError } from "./vmq-merchant-wire";

/** `words` followed by the providers' reasons, when there are any. */
const withReason = (words: string) => (err: OrderError) => (err.detail ? `${words}: ${err.detail}` : words);

/**
 * How V免签 answers each order-service failure (always code -1; shops show `msg`): vmqphp's own words where it has
 * them — a monitor that stopped calling in, every nearby amount held, a bad sign — the domain's otherwise. One
 * table: a new kind is a type error here until it has an answer.
 */
const VMQ_ANSWER: Record<OrderErrorKind, (err: OrderError) => string> = {
  "type-not-served": withReason("当前支付方式已关闭"),
  "channel-unavailable": () => "监控端状态异常，请检查监控端是否在线",
  "channels-full": () => "订单超出负荷，请稍后重试",
  "upstream-failed": withReason("队列创建错误"),
  "quota-exceeded": withReason("套餐已超额"),
  "duplicate-with-other-fields": (err) => err.message,
  "still-creating": (err) => err.message,
  // One sign, one order: vmqphp's own bad-sign answer.
  "signature-used": () => VMQ_BAD_SIGN,
};

/** The V免签 error for an order-service failure. */
export function vmqErrorFor(err: OrderError): VmqError {
  return new VmqError(VMQ_ANSWER[err.kind](err));
}
