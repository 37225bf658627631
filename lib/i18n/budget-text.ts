/**
 * The channel budgets' words (docs/contract.md#channel-budgets): rest reasons and the budget alert, in Simplified
 * Chinese (the default: alerts are sent in it) and English (for the console). Kept apart from the console
 * dictionaries so budgets and their texts change together; `{name}` is filled in by `fmt` (./locale.ts), and both
 * have the same keys and placeholders (lib/channels/channel-budget.test.ts).
 */
export const budgetZhCN = {
  budgetRestUnpaid: "连续 {n} 笔订单未支付",
  budgetRestProviderError: "上游出错：{error}",
  budgetAlertTitle: "通道「{channel}」已达今日限额",
  budgetAlertBody: "今日已接 {orders} 笔，金额 ¥{amount}（限额：{limits}）。北京时间零点前不再接单，订单改走其他通道。",
  budgetRestAlertTitle: "通道「{channel}」暂停接单",
  budgetRestAlertBody: "原因：{reason}。暂停到 {until}（北京时间），订单改走其他通道；该通道有一笔订单支付成功即恢复。",
  budgetRecoveredTitle: "通道「{channel}」恢复接单",
  budgetRecoveredBody: "限额或暂停已解除，通道重新接单。",
  budgetLimitOrders: "{n} 笔",
  budgetLimitAmount: "¥{amount}",
};

export type BudgetMessages = Record<keyof typeof budgetZhCN, string>;

export const budgetEn: BudgetMessages = {
  budgetRestUnpaid: "{n} orders in a row unpaid",
  budgetRestProviderError: "Provider error: {error}",
  budgetAlertTitle: "Channel “{channel}” reached today's budget",
  budgetAlertBody:
    "{orders} orders and ¥{amount} today (budget: {limits}). It takes no orders until midnight Beijing time; orders go to other channels.",
  budgetRestAlertTitle: "Channel “{channel}” is resting",
  budgetRestAlertBody:
    "Why: {reason}. Resting until {until} (Beijing time); orders go to other channels. A paid order on it ends the rest.",
  budgetRecoveredTitle: "Channel “{channel}” takes orders again",
  budgetRecoveredBody: "Its budget or rest is over; the channel takes orders again.",
  budgetLimitOrders: "{n} orders",
  budgetLimitAmount: "¥{amount}",
};
