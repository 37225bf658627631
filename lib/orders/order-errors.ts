/**
 * The one error the order service throws: why an order could not be made (or a wallet not chosen), in the domain's
 * terms. No merchant protocol's codes here: each protocol (lib/merchant-api/*) maps every kind to its own answer
 * with one table typed `Record<OrderErrorKind, …>`, so a new kind does not compile until every protocol answers it.
 */
export type OrderErrorKind =
  /** The merchant may not take this wallet at all: disabled for it, or none of its channels serves it. */
  | "type-not-served"
  /** No channel can be asked now: rules, open breakers, monitors offline; for an order without a wallet, no wallet. */
  | "channel-unavailable"
  /** Channels were asked and none had room (every amount near the price held); `detail` is the provider's reason. */
  | "channels-full"
  /** Channels were asked and at least one failed upstream; `detail` names each upstream's reason. */
  | "upstream-failed"
  /** The merchant's daily order limit is used up. */
  | "quota-exceeded"
  /** The merchant's order number already belongs to an order made from other fields. */
  | "duplicate-with-other-fields"
  /** The same request is still being created by an earlier call, past the wait. */
  | "still-creating"
  /** The create signature already made another order (one signature, one order). */
  | "signature-used";

/**
 * What the domain says for each kind, in the words the payer and the shop have read so far (the cashier's choice
 * answer shows them; protocols that answer in their own words do not use them).
 */
export const ORDER_ERROR_TEXT: Record<OrderErrorKind, string> = {
  "type-not-served": "当前支付方式已关闭",
  "channel-unavailable": "无可用支付方式",
  "channels-full": "无可用支付方式",
  "upstream-failed": "队列创建错误",
  "quota-exceeded": "套餐已超额",
  "duplicate-with-other-fields": "商户订单号已存在",
  "still-creating": "订单创建中，请稍后重试",
  "signature-used": "该签名已用于另一笔订单",
};

/** An order-service failure: its kind, and the provider's own words when channels were asked. */
export class OrderError extends Error {
  constructor(
    readonly kind: OrderErrorKind,
    /** The providers' reasons (`PAYJS：无法连接（ECONNREFUSED）`), for kinds where channels were asked; else "". */
    readonly detail = "",
  ) {
    super(detail ? `${ORDER_ERROR_TEXT[kind]}: ${detail}` : ORDER_ERROR_TEXT[kind]);
    this.name = "OrderError";
  }
}
