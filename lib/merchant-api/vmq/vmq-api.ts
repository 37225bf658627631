import "server-only";
import { findChannel } from "@/lib/config/find";
import type { AppContext } from "@/lib/context";
import { signaturesEqual } from "@/lib/crypto/digest";
import { canClose, effectiveStatus } from "@/lib/orders/lifecycle";
import { loadOrderForRead } from "@/lib/orders/order-views";
import { issuedByPaydesk } from "@/lib/orders/signature-guard";
import type { Order } from "@/lib/storage/records";
import { vmqMerchant } from "./vmq-create";
import { vmqReturnUrl } from "./vmq-notify-message";
import { closeOrderSign, stateSign, vmqTypeCode } from "./vmq-merchant-sign";
import {
  closeOrderParams,
  missing,
  orderIdParams,
  stateParams,
  VMQ_BAD_SIGN,
  VmqError,
  type VmqOrderData,
  type VmqStateData,
} from "./vmq-merchant-wire";

/** An order as V免签 describes it (createOrder, getOrder). */
export function vmqOrderData(ctx: AppContext, order: Order, ttlSeconds: number): VmqOrderData {
  const status = effectiveStatus(order, ctx.now());
  return {
    payId: order.out_order_id,
    orderId: order.id,
    payType: Number(vmqTypeCode(order.type ?? "")),
    price: order.price_raw,
    // Fen to a JSON number: 1001 / 100 prints as 10.01 (the closest double), never as a long fraction.
    reallyPrice: order.pay_amount_fen / 100,
    payUrl: order.payload,
    isAuto: order.free_amount ? 0 : 1,
    state: status === "paid" ? 1 : status === "pending" ? 0 : -1,
    timeOut: Math.ceil(ttlSeconds / 60),
    date: Math.floor(order.created_at / 1000),
    cashierUrl: `${ctx.config.baseUrl}/pay/${order.id}`,
  };
}

/** Refuses a wrong signature, and one Paydesk itself issued (a notify's or return URL's), with vmqphp's answer. */
async function assertSigned(ctx: AppContext, expected: string, received: string): Promise<void> {
  if (!signaturesEqual(expected, received) || (await issuedByPaydesk(ctx, received))) throw new VmqError(VMQ_BAD_SIGN);
}

/** One of this merchant's V免签 orders by Paydesk order id (another merchant's, or another protocol's: unknown). */
async function merchantOrder(ctx: AppContext, appkey: string, orderId: string): Promise<Order> {
  const order = await loadOrderForRead(ctx, orderId);
  if (!order || order.appkey !== appkey || order.protocol !== "vmq") throw new VmqError("订单不存在");
  return order;
}

/** `getOrder?orderId=`: public (the order id is the payer's capability), for a shop's own page to poll. */
export async function getVmqOrder(
  ctx: AppContext,
  appkey: string,
  params: Record<string, string>,
): Promise<VmqOrderData> {
  const merchant = vmqMerchant(ctx, appkey);
  const parsed = orderIdParams.safeParse(params);
  if (!parsed.success) throw missing(parsed.error);
  return vmqOrderData(ctx, await merchantOrder(ctx, appkey, parsed.data.orderId), merchant.order_ttl_seconds);
}

/** `checkOrder?orderId=`: paid → the signed return URL (code 1); otherwise why not (code -1). */
export async function checkVmqOrder(ctx: AppContext, appkey: string, params: Record<string, string>): Promise<string> {
  const merchant = vmqMerchant(ctx, appkey);
  const parsed = orderIdParams.safeParse(params);
  if (!parsed.success) throw missing(parsed.error);
  const order = await merchantOrder(ctx, appkey, parsed.data.orderId);
  switch (effectiveStatus(order, ctx.now())) {
    case "paid": {
      const back = vmqReturnUrl(merchant, order) ?? "";
      // Handed out again: remembered again (its age starts over; an order paid before migration 010 gets its row).
      const signs = back ? new URL(back).searchParams.getAll("sign") : [];
      await ctx.repos.signatures.recordIssuedSignatures({ appkey, orderId: order.id, signs, now: ctx.now() });
      return back;
    }
    case "expired":
      throw new VmqError("订单已过期");
    case "closed":
      throw new VmqError("订单已关闭");
    default:
      throw new VmqError("订单未支付");
  }
}

/** `closeOrder` with `sign = md5(orderId + key)`: a waiting order is closed (amount held to its grace); again: fine. */
export async function closeVmqOrder(ctx: AppContext, appkey: string, params: Record<string, string>): Promise<null> {
  const merchant = vmqMerchant(ctx, appkey);
  const parsed = closeOrderParams.safeParse(params);
  if (!parsed.success) throw missing(parsed.error);
  await assertSigned(ctx, closeOrderSign(parsed.data.orderId, merchant.vmq.key), parsed.data.sign);
  const order = await merchantOrder(ctx, appkey, parsed.data.orderId);
  if (order.status === "closed") return null;
  const now = ctx.now();
  if (
    !canClose(order, now) ||
    !(await ctx.repos.orders.transitionOrder(order.id, ["pending"], "closed", now, { closed_at: now }))
  ) {
    throw new VmqError("订单状态不允许关闭");
  }
  await ctx.events.publish({ type: "order.closed", orderId: order.id });
  return null;
}

/** `getState` with `sign = md5(t + key)`: the merchant's monitor apps, as vmqphp reports its one app. */
export async function getVmqState(
  ctx: AppContext,
  appkey: string,
  params: Record<string, string>,
): Promise<VmqStateData> {
  const merchant = vmqMerchant(ctx, appkey);
  const parsed = stateParams.safeParse(params);
  if (!parsed.success) throw missing(parsed.error);
  await assertSigned(ctx, stateSign(parsed.data.t, merchant.vmq.key), parsed.data.sign);
  const now = ctx.now();
  const monitored = merchant.channels.map((id) => findChannel(ctx.config, id)).filter((c) => c?.provider === "vmq");
  let lastheart = 0;
  let online = monitored.length === 0;
  for (const channel of monitored) {
    if (!channel) continue;
    lastheart = Math.max(lastheart, (await ctx.repos.monitors.lastHeartbeat(channel.id)) ?? 0);
    if (await ctx.provider(channel).isAvailable?.(now)) online = true;
  }
  const lastpay = await ctx.repos.payments.lastPaymentAt(monitored.flatMap((c) => (c ? [c.id] : [])));
  const seconds = (ms: number | null) => String(Math.floor((ms ?? 0) / 1000));
  return { lastheart: seconds(lastheart), lastpay: seconds(lastpay), jkstate: online ? "1" : "0" };
}
