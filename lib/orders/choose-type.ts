import "server-only";
import { findMerchant } from "@/lib/config/find";
import type { AppContext } from "@/lib/context";
import { availableTypes } from "@/lib/channels/channel-choice";
import { chooseAndHold, moveHold, restFailedChannels } from "@/lib/channels/channel-budget-hold";
import { PAY_TYPES, type PayType } from "@/lib/pay-types";
import { effectiveStatus } from "./lifecycle";
import { loadOrderForRead } from "./order-views";
import { OrderError } from "./order-errors";
import { NoCodeError, recordCodeFailures, requestCodeOnSomeChannel } from "./request-code";

export type ChooseResult =
  | { outcome: "chosen" }
  /** Another request chose first, or the order is no longer waiting for a choice: show the page as it is. */
  | { outcome: "unchanged" }
  | { outcome: "error"; message: string };

/**
 * The payer picks a wallet on the cashier for an order the shop created without `type` (epay,
 * docs/protocols/epay.md#payment-fields): the same channel rules and rotation as a create with that type, then the
 * provider is asked for the code. One choice per order (a conditional update); a failed provider call releases it so
 * the payer may choose again.
 */
export async function chooseType(ctx: AppContext, orderId: string, rawType: string): Promise<ChooseResult> {
  const order = await loadOrderForRead(ctx, orderId);
  if (!order) return { outcome: "error", message: "订单不存在" };
  if (order.type !== null || effectiveStatus(order, ctx.now()) !== "pending") return { outcome: "unchanged" };
  const merchant = findMerchant(ctx.config, order.appkey);
  if (!merchant) return { outcome: "error", message: "商户不存在" };
  if (!(PAY_TYPES as readonly string[]).includes(rawType)) return { outcome: "error", message: "无效的支付方式" };
  const type = rawType as PayType;
  const now = ctx.now();
  if (!(await availableTypes(ctx, merchant, order.price_fen, now)).includes(type))
    return { outcome: "error", message: "该支付方式暂不可用，请选择其他方式" };
  try {
    // The channel's budget slot is taken with the choice, as for a create with a type (place-order.ts).
    const held = await chooseAndHold(ctx, merchant, type, order.price_fen, now);
    if (!held) throw new OrderError("channel-unavailable");
    const channel = held.channel;
    let hold = held.hold;
    if (!(await ctx.repos.orders.claimTypeChoice(order.id, type, channel.id, now))) {
      await hold.release();
      return { outcome: "unchanged" };
    }
    const tried = [channel];
    const since = ctx.now();
    try {
      const request = {
        orderId: order.id,
        priceFen: order.price_fen,
        type,
        custom: order.custom,
        ttlExpiry: order.expires_at,
        now,
      };
      // A full channel (every V免签 amount near the price held) hands the choice on to the next one.
      const { code } = await requestCodeOnSomeChannel(ctx, merchant, channel, request, async (next) => {
        const moved = await moveHold(ctx, hold, next, order.price_fen, now);
        if (!moved) throw new OrderError("channels-full", `${next.id}：今日限额已满`);
        hold = moved;
        tried.push(next);
        await ctx.repos.orders.reassignCodelessOrder(order.id, next.id);
      });
      await restFailedChannels(ctx, tried.slice(0, -1), since);
      await ctx.repos.orders.activateChosenOrder(order.id, code, ctx.now());
      // The cached public view (live orders) still shows "no wallet yet": it is read again on this event.
      await ctx.events.publish({ type: "order.updated", orderId: order.id });
      return { outcome: "chosen" };
    } catch (err) {
      // The order stays (the payer may retry or choose another): its timeline keeps what each channel said.
      if (err instanceof NoCodeError) await recordCodeFailures(ctx, order, err.failures);
      await hold.release();
      await restFailedChannels(ctx, tried, since);
      await ctx.repos.orders.releaseTypeChoice(order.id, ctx.now());
      await ctx.events.publish({ type: "order.updated", orderId: order.id });
      throw err;
    }
  } catch (err) {
    if (err instanceof OrderError) {
      return {
        outcome: "error",
        message: err.kind === "upstream-failed" ? "付款码生成失败，请重试或选择其他方式" : err.message,
      };
    }
    throw err;
  }
}
