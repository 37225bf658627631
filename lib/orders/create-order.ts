import "server-only";
import { z } from "zod";
import { findMerchant, type Merchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { MerchantCode, MerchantError } from "@/lib/merchant-protocol/codes";
import { createSign, signaturesEqual } from "@/lib/merchant-protocol/sign";
import { formatYuan, parseYuan } from "@/lib/money";
import { PAY_TYPES, type PayType } from "@/lib/pay-types";
import type { OrderRow } from "@/lib/storage/orders-repo";
import { placeOrder } from "./place-order";

/**
 * Fields a shop may not send: everything that would let a request override what the merchant configured in
 * Paydesk (where money is announced, the amount to pay, the order's identity). Answered with code 106.
 */
const FORBIDDEN_PARAMS = ["notify_url", "return_url", "timeout_url", "order_id", "pay_amount", "realprice", "channel"];

const MAX_OUT_ORDER_ID = 128;
const MAX_CUSTOM = 255;

/** The `data` of a successful create (PROTOCOLS §1.1 plus Paydesk's additions). */
export interface CreateOrderData {
  pay_url: string;
  qrcode_url: string;
  params: { appkey: string; price: string; type: string; out_order_id: string; custom: string; sign: string };
  order_id: string;
  status: string;
  price: string;
  pay_amount: string;
  expires_at: number;
  qr_content: string;
}

function authenticate(ctx: AppContext, params: Record<string, string>): Merchant {
  const appkey = params.appkey;
  if (!appkey) throw new MerchantError(MerchantCode.APPKEY_REQUIRED);
  const merchant = findMerchant(ctx.config, appkey);
  if (!merchant) throw new MerchantError(MerchantCode.APPKEY_INVALID);
  if (!merchant.api_enabled) throw new MerchantError(MerchantCode.API_CLOSED);
  if (!params.sign) throw new MerchantError(MerchantCode.SIGN_REQUIRED);
  return merchant;
}

const requiredCreate = z.object({
  price: z.string().min(1),
  type: z.string().min(1),
  out_order_id: z.string().min(1).max(MAX_OUT_ORDER_ID),
  custom: z.string().max(MAX_CUSTOM).default(""),
});

export function orderData(ctx: AppContext, order: OrderRow): CreateOrderData {
  const base = ctx.config.baseUrl;
  return {
    pay_url: `${base}/pay/${order.id}`,
    qrcode_url: `${base}/pay/${order.id}/qrcode`,
    params: {
      appkey: order.appkey,
      price: order.price_raw,
      type: order.type,
      out_order_id: order.out_order_id,
      custom: order.custom,
      sign: order.request_sign,
    },
    order_id: order.id,
    status: order.status,
    price: formatYuan(order.price_fen),
    pay_amount: formatYuan(order.pay_amount_fen),
    expires_at: Math.floor(order.expires_at / 1000),
    qr_content: order.payload,
  };
}

/**
 * `POST /api/cloudpay/create` (PROTOCOLS §1.1). Checks run in the order that tells a shop the most useful thing
 * without revealing anything before the signature is verified. Idempotent per (appkey, out_order_id).
 */
export async function createOrder(ctx: AppContext, params: Record<string, string>): Promise<CreateOrderData> {
  const merchant = authenticate(ctx, params);
  const parsed = requiredCreate.safeParse(params);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    throw new MerchantError(MerchantCode.PARAM_MISSING, missing);
  }
  const forbidden = FORBIDDEN_PARAMS.filter((k) => k in params);
  if (forbidden.length) throw new MerchantError(MerchantCode.PARAM_FORBIDDEN, forbidden.join(", "));

  const p = parsed.data;
  // The signature covers the strings exactly as received: "10" and "10.00" sign differently.
  const expected = createSign({ appkey: merchant.appkey, price: p.price, type: p.type, out_order_id: p.out_order_id, custom: p.custom }, merchant.appsecret);
  if (!signaturesEqual(expected, params.sign ?? "")) throw new MerchantError(MerchantCode.SIGN_INVALID);

  if (!merchant.return_url) throw new MerchantError(MerchantCode.RETURN_URL_MISSING);
  if (!merchant.notify_url) throw new MerchantError(MerchantCode.NOTIFY_URL_MISSING);
  if (!(PAY_TYPES as readonly string[]).includes(p.type)) throw new MerchantError(MerchantCode.TYPE_INVALID);
  const priceFen = parseYuan(p.price);
  if (priceFen === null || priceFen <= 0) throw new MerchantError(MerchantCode.PRICE_INVALID);
  const order = await placeOrder(ctx, merchant, {
    protocol: "cloudpay",
    outOrderId: p.out_order_id,
    priceRaw: p.price,
    priceFen,
    type: p.type as PayType,
    custom: p.custom,
    name: "",
    notifyUrl: null,
    returnUrl: null,
    requestSign: params.sign ?? "",
    digest: null,
  });
  return orderData(ctx, order);
}
