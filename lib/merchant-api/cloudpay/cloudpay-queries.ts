import "server-only";
import { z } from "zod";
import type { AppContext } from "@/lib/context";
import { printable } from "@/lib/text/printable";
import { closeMerchantOrder } from "@/lib/orders/close-on-expiry";
import { heldPublicView, MAX_HOLD_SECONDS, polledPublicView, type HoldRequest } from "@/lib/orders/held-poll";
import { loadOrderForRead, merchantOrderView, type MerchantOrderView } from "@/lib/orders/order-views";
import type { PublicOrderView } from "@/lib/orders/public-order-view";
import { CloudpayCode, CloudpayError } from "./cloudpay-codes";
import { assertSigned, signedMerchant } from "./cloudpay-signed";
import { closeSign, orderLookupSign, recordsSign } from "./cloudpay-sign";

const RECORDS_LIMIT = 100;

/**
 * `status` and `wait` (whole seconds) from the nosign query; undefined when either is missing or `wait` is 0, and
 * the query then answers at once exactly as it always did. `wait` above the cap is held for the cap.
 */
function holdRequestFrom(params: Record<string, string>): HoldRequest | undefined {
  const { status, wait } = params;
  if (status === undefined || wait === undefined || !/^\d{1,6}$/.test(wait)) return undefined;
  const seconds = Math.min(Number(wait), MAX_HOLD_SECONDS);
  return seconds > 0 ? { status, waitMs: seconds * 1000 } : undefined;
}

const lookupSchema = z.object({ out_order_id: printable(128).pipe(z.string().min(1)) });

/**
 * One of the merchant's orders by out_order_id, for a request signed over `appkey + out_order_id`: the vendor's
 * form for the query and check, `"close"` first for close (`sign`, ./cloudpay-sign.ts).
 */
async function signedLookup(
  ctx: AppContext,
  params: Record<string, string>,
  sign: typeof orderLookupSign = orderLookupSign,
) {
  const merchant = signedMerchant(ctx, params);
  const parsed = lookupSchema.safeParse(params);
  if (!parsed.success) throw new CloudpayError(CloudpayCode.PARAM_MISSING, "out_order_id");
  const expected = sign({ appkey: merchant.appkey, out_order_id: parsed.data.out_order_id }, merchant.appsecret);
  await assertSigned(ctx, expected, params.sign);
  const found = await ctx.repos.orders.findOrderByMerchantRef(merchant.appkey, parsed.data.out_order_id);
  // Expiry is enforced on this read too.
  const order = found ? await loadOrderForRead(ctx, found.id) : undefined;
  if (!order) throw new CloudpayError(CloudpayCode.UNKNOWN, "订单不存在");
  return order;
}

/**
 * `/api/cloudpay/query`: with `sign=nosign` and `order_id`, the payer's public view (held until it differs from
 * `status` for up to `wait` seconds when both are given); otherwise a signed merchant query by `out_order_id`.
 */
export async function queryOrder(
  ctx: AppContext,
  params: Record<string, string>,
  request?: Request,
): Promise<PublicOrderView | MerchantOrderView> {
  if (params.sign === "nosign") {
    const hold = holdRequestFrom(params);
    const orderId = params.order_id;
    const view = !orderId
      ? undefined
      : hold
        ? await heldPublicView(ctx, orderId, hold, request?.signal)
        : await polledPublicView(ctx, orderId);
    if (!view) throw new CloudpayError(CloudpayCode.UNKNOWN, "订单不存在");
    return view;
  }
  return merchantOrderView(ctx, await signedLookup(ctx, params));
}

/**
 * The 云端 vendor's check answer (docs/protocols/cloudpay.md#vendor-clients): the signed merchant view plus
 * `order_status`, its name for status.
 */
export interface OrderCheckView extends MerchantOrderView {
  order_status: MerchantOrderView["status"];
}

/** `GET /api/order/check` (`appkey`, `out_order_id`, `sign` as the merchant query): the vendor clients' status check. */
export async function checkOrder(ctx: AppContext, params: Record<string, string>): Promise<OrderCheckView> {
  const view = await merchantOrderView(ctx, await signedLookup(ctx, params));
  return { ...view, order_status: view.status };
}

/**
 * `/api/cloudpay/close` with `sign = md5(md5("close" + appkey + out_order_id) + appsecret)`: closes a pending order
 * (and its trade upstream on an official channel, lib/orders/close-on-expiry.ts `closeMerchantOrder`); closing a
 * closed order again is a no-op success.
 */
export async function closeOrder(ctx: AppContext, params: Record<string, string>): Promise<MerchantOrderView> {
  const order = await signedLookup(ctx, params, closeSign);
  const result = await closeMerchantOrder(ctx, order);
  if (result.kind === "not-closable")
    throw new CloudpayError(CloudpayCode.UNKNOWN, `订单状态为 ${result.status}，不能关闭`);
  if (result.kind === "upstream-failed")
    throw new CloudpayError(CloudpayCode.UNKNOWN, "支付平台暂时无法关闭该订单，请稍后重试");
  const closed = await loadOrderForRead(ctx, order.id);
  return merchantOrderView(ctx, closed ?? order);
}

const recordsSchema = z.object({ custom: printable(255).pipe(z.string().min(1)) });

/**
 * `/api/cloudpay/records` with `sign = md5(md5("records" + appkey + custom) + appsecret)`: one customer's paid orders,
 * newest first (the PAYJS plugin's "payment history").
 */
export async function listRecords(ctx: AppContext, params: Record<string, string>): Promise<MerchantOrderView[]> {
  const merchant = signedMerchant(ctx, params);
  const parsed = recordsSchema.safeParse(params);
  if (!parsed.success) throw new CloudpayError(CloudpayCode.PARAM_MISSING, "custom");
  await assertSigned(
    ctx,
    recordsSign({ appkey: merchant.appkey, custom: parsed.data.custom }, merchant.appsecret),
    params.sign,
  );
  const orders = await ctx.repos.orders.listPaidOrdersByCustom(merchant.appkey, parsed.data.custom, RECORDS_LIMIT);
  return Promise.all(orders.map((o) => merchantOrderView(ctx, o)));
}
