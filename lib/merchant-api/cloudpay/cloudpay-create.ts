import "server-only";
import { z } from "zod";
import { findMerchant } from "@/lib/config/find";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { signaturesEqual } from "@/lib/crypto/digest";
import { parseYuan } from "@/lib/money";
import { isPayType } from "@/lib/pay-types";
import { recordOrderCreate } from "@/lib/metrics";
import { OrderError } from "@/lib/orders/order-errors";
import { placeOrder } from "@/lib/orders/place-order";
import { assertTypeOpen } from "@/lib/orders/request-code";
import { issuedByPaydesk } from "@/lib/orders/signature-guard";
import { printable } from "@/lib/text/printable";
import { CloudpayCode, CloudpayError } from "./cloudpay-codes";
import { cloudpayErrorFor } from "./cloudpay-order-errors";
import { orderData, type CreateOrderData } from "./cloudpay-order-data";
import { createSign } from "./cloudpay-sign";

/**
 * Fields a shop may not send: everything that would let a request override what the merchant configured in
 * Paydesk (where money is announced, the amount to pay, the order's identity). Answered with code 106.
 */
const FORBIDDEN_PARAMS = ["notify_url", "return_url", "timeout_url", "order_id", "pay_amount", "realprice", "channel"];

const MAX_OUT_ORDER_ID = 128;
const MAX_CUSTOM = 255;
function authenticate(ctx: AppContext, params: Record<string, string>): Merchant {
  const appkey = params.appkey;
  if (!appkey) throw new CloudpayError(CloudpayCode.APPKEY_REQUIRED);
  const merchant = findMerchant(ctx.config, appkey);
  if (!merchant) throw new CloudpayError(CloudpayCode.APPKEY_INVALID);
  if (!merchant.api_enabled) throw new CloudpayError(CloudpayCode.API_CLOSED);
  if (!params.sign) throw new CloudpayError(CloudpayCode.SIGN_REQUIRED);
  return merchant;
}

const requiredCreate = z.object({
  price: z.string().min(1),
  type: z.string().min(1),
  out_order_id: printable(MAX_OUT_ORDER_ID).pipe(z.string().min(1)),
  custom: printable(MAX_CUSTOM).default(""),
});

/**
 * `POST /api/cloudpay/create` (docs/protocols/cloudpay.md#create). Checks run in the order that tells a shop the most
 * useful thing without revealing anything before the signature is verified. Idempotent per (appkey, out_order_id).
 */
export async function createOrder(ctx: AppContext, params: Record<string, string>): Promise<CreateOrderData> {
  try {
    const data = await createCloudpayOrder(ctx, params);
    recordOrderCreate(CloudpayCode.OK);
    return data;
  } catch (err) {
    recordOrderCreate(err instanceof CloudpayError ? err.code : CloudpayCode.UNKNOWN);
    throw err;
  }
}

async function createCloudpayOrder(ctx: AppContext, params: Record<string, string>): Promise<CreateOrderData> {
  const merchant = authenticate(ctx, params);
  const parsed = requiredCreate.safeParse(params);
  if (!parsed.success) {
    const missing = parsed.error.issues
      .map((i) => (i.code === "custom" ? `${i.path.join(".")} ${i.message}` : i.path.join(".")))
      .join(", ");
    throw new CloudpayError(CloudpayCode.PARAM_MISSING, missing);
  }
  const forbidden = FORBIDDEN_PARAMS.filter((k) => k in params);
  if (forbidden.length) throw new CloudpayError(CloudpayCode.PARAM_FORBIDDEN, forbidden.join(", "));

  const p = parsed.data;
  // The signature covers the strings exactly as received: "10" and "10.00" sign differently.
  const expected = createSign(
    { appkey: merchant.appkey, price: p.price, type: p.type, out_order_id: p.out_order_id, custom: p.custom },
    merchant.appsecret,
  );
  if (!signaturesEqual(expected, params.sign ?? "")) throw new CloudpayError(CloudpayCode.SIGN_INVALID);
  // A signature Paydesk sent (a return URL split into out_order_id + custom is a valid create) is no request's.
  if (await issuedByPaydesk(ctx, params.sign ?? "")) throw new CloudpayError(CloudpayCode.SIGN_INVALID);

  if (!merchant.return_url) throw new CloudpayError(CloudpayCode.RETURN_URL_MISSING);
  if (!merchant.notify_url) throw new CloudpayError(CloudpayCode.NOTIFY_URL_MISSING);
  if (!isPayType(p.type)) throw new CloudpayError(CloudpayCode.TYPE_INVALID);
  const type = p.type;
  const priceFen = parseYuan(p.price);
  if (priceFen === null || priceFen <= 0) throw new CloudpayError(CloudpayCode.PRICE_INVALID);
  try {
    assertTypeOpen(ctx, merchant, type);
    const order = await placeOrder(ctx, merchant, {
      protocol: "cloudpay",
      outOrderId: p.out_order_id,
      priceRaw: p.price,
      priceFen,
      type,
      custom: p.custom,
      name: "",
      notifyUrl: null,
      returnUrl: null,
      requestSign: params.sign ?? "",
      digest: null,
    });
    return orderData(ctx, order);
  } catch (err) {
    throw err instanceof OrderError ? cloudpayErrorFor(err) : err;
  }
}
