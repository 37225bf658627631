import "server-only";
import { z } from "zod";
import { findMerchant, type Merchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { newOrderId } from "@/lib/ids";
import { MerchantCode, MerchantError } from "@/lib/merchant-protocol/codes";
import { createSign, signaturesEqual } from "@/lib/merchant-protocol/sign";
import { parseYuan } from "@/lib/money";
import { isPayType, type PayType } from "@/lib/pay-types";
import type { ActivatedPayment } from "@/lib/storage/orders-repo";
import { recordOrderCreate } from "@/lib/metrics";
import type { Order, OrderProtocol } from "@/lib/storage/records";
import { reserveDailyOrder } from "./daily-quota";
import { orderData, type CreateOrderData } from "./order-data";
import { printable } from "./printable";
import { insertClaimingSignature, issuedByPaydesk } from "./signature-guard";
import { assertTypeOpen, availableTypes, requestCodeOnSomeChannel, selectChannel } from "./request-code";

/**
 * Fields a shop may not send: everything that would let a request override what the merchant configured in
 * Paydesk (where money is announced, the amount to pay, the order's identity). Answered with code 106.
 */
const FORBIDDEN_PARAMS = ["notify_url", "return_url", "timeout_url", "order_id", "pay_amount", "realprice", "channel"];

const MAX_OUT_ORDER_ID = 128;
const MAX_CUSTOM = 255;
/** How long a concurrent duplicate create waits for the first one to finish talking to the provider. */
const CONCURRENT_WAIT_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  out_order_id: printable(MAX_OUT_ORDER_ID).pipe(z.string().min(1)),
  custom: printable(MAX_CUSTOM).default(""),
});

/**
 * `POST /api/cloudpay/create` (PROTOCOLS §1.1). Checks run in the order that tells a shop the most useful thing
 * without revealing anything before the signature is verified. Idempotent per (appkey, out_order_id).
 */
export async function createOrder(ctx: AppContext, params: Record<string, string>): Promise<CreateOrderData> {
  try {
    const data = await createCloudpayOrder(ctx, params);
    recordOrderCreate(MerchantCode.OK);
    return data;
  } catch (err) {
    recordOrderCreate(err instanceof MerchantError ? err.code : MerchantCode.UNKNOWN);
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
    throw new MerchantError(MerchantCode.PARAM_MISSING, missing);
  }
  const forbidden = FORBIDDEN_PARAMS.filter((k) => k in params);
  if (forbidden.length) throw new MerchantError(MerchantCode.PARAM_FORBIDDEN, forbidden.join(", "));

  const p = parsed.data;
  // The signature covers the strings exactly as received: "10" and "10.00" sign differently.
  const expected = createSign(
    { appkey: merchant.appkey, price: p.price, type: p.type, out_order_id: p.out_order_id, custom: p.custom },
    merchant.appsecret,
  );
  if (!signaturesEqual(expected, params.sign ?? "")) throw new MerchantError(MerchantCode.SIGN_INVALID);
  // A signature Paydesk sent (a return URL split into out_order_id + custom is a valid create) is no request's.
  if (await issuedByPaydesk(ctx, params.sign ?? "")) throw new MerchantError(MerchantCode.SIGN_INVALID);

  if (!merchant.return_url) throw new MerchantError(MerchantCode.RETURN_URL_MISSING);
  if (!merchant.notify_url) throw new MerchantError(MerchantCode.NOTIFY_URL_MISSING);
  if (!isPayType(p.type)) throw new MerchantError(MerchantCode.TYPE_INVALID);
  const type = p.type;
  const priceFen = parseYuan(p.price);
  if (priceFen === null || priceFen <= 0) throw new MerchantError(MerchantCode.PRICE_INVALID);
  assertTypeOpen(ctx, merchant, type);

  return placeOrder(ctx, merchant, {
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
  }).then((order) => orderData(ctx, order));
}

/**
 * One order request as every merchant protocol hands it to the order service, after the protocol verified its
 * signature and checked its own fields. Money is fen; `priceRaw` is the string as signed (echoed, compared).
 */
export interface OrderRequest {
  protocol: OrderProtocol;
  outOrderId: string;
  priceRaw: string;
  priceFen: number;
  /** null: the shop sent no wallet; the payer chooses on the cashier (epay, PROTOCOLS §5). */
  type: PayType | null;
  /** Free text echoed back to the shop (云端 `custom`, epay `param`). */
  custom: string;
  /** Product name shown on the cashier; empty when none. */
  name: string;
  /** Per-order URLs (epay); null = the merchant's configured ones. */
  notifyUrl: string | null;
  returnUrl: string | null;
  requestSign: string;
  /**
   * For protocols with more request fields than price/type/custom: a digest of all of them. An existing order with
   * the same out_order_id is the same request only when the digests match; null compares price/type/custom.
   */
  digest: string | null;
}

function sameRequest(existing: Order, r: OrderRequest): boolean {
  if (existing.protocol !== r.protocol) return false;
  if (r.digest !== null) return existing.request_digest === r.digest;
  return existing.price_raw === r.priceRaw && existing.type === r.type && existing.custom === r.custom;
}

/**
 * The order service's create, shared by every merchant protocol: idempotent per (merchant, out_order_id) — the same
 * request returns the same order whatever its state, a different one is refused (商户订单号已存在) — with the
 * merchant's daily limit, TTL, channel rules and rotation. One create signature makes at most one order: another
 * request with the same signature (the fields moved across the unseparated concatenation) is refused with
 * SIGN_INVALID, which each protocol answers as its own bad-signature error. The adapter has checked type and price.
 */
export async function placeOrder(ctx: AppContext, merchant: Merchant, r: OrderRequest): Promise<Order> {
  const deadline = ctx.now() + CONCURRENT_WAIT_MS;
  for (;;) {
    const existing = await ctx.repos.orders.findOrderByMerchantRef(merchant.appkey, r.outOrderId);
    if (existing) {
      if (!sameRequest(existing, r)) throw new MerchantError(MerchantCode.UNKNOWN, "商户订单号已存在");
      if (existing.status !== "creating") return existing;
      // The same request is being created right now (a retry racing the first call): wait for its outcome.
      if (ctx.now() > deadline) throw new MerchantError(MerchantCode.UNKNOWN, "订单创建中，请稍后重试");
      await sleep(100);
      continue;
    }
    const created = await createFresh(ctx, merchant, r);
    if (created) return created;
    // Lost the insert race to an identical request; loop to read what it made.
  }
}

async function createFresh(ctx: AppContext, merchant: Merchant, r: OrderRequest): Promise<Order | null> {
  const now = ctx.now();
  const release = await reserveDailyOrder(ctx, merchant, now);
  try {
    const created = await createReserved(ctx, merchant, r, now);
    if (!created) await release();
    return created;
  } catch (err) {
    await release();
    throw err;
  }
}

async function createReserved(
  ctx: AppContext,
  merchant: Merchant,
  r: OrderRequest,
  now: number,
): Promise<Order | null> {
  const channel = r.type === null ? null : await selectChannel(ctx, merchant, r.type, r.priceFen, now);
  if (r.type === null && (await availableTypes(ctx, merchant, r.priceFen, now)).length === 0)
    throw new MerchantError(MerchantCode.NO_CHANNEL);
  const id = newOrderId();
  const ttlExpiry = now + merchant.order_ttl_seconds * 1000;
  const row: Order = {
    id,
    appkey: merchant.appkey,
    out_order_id: r.outOrderId,
    custom: r.custom,
    // No type yet: the order waits on the cashier for the payer's choice, without a channel or a code.
    type: r.type,
    price_raw: r.priceRaw,
    price_fen: r.priceFen,
    pay_amount_fen: r.priceFen,
    free_amount: false,
    request_sign: r.requestSign,
    channel_id: channel?.id ?? "",
    provider_order_id: null,
    payload: "",
    status: "creating",
    late: false,
    real_fen: null,
    created_at: now,
    expires_at: ttlExpiry,
    paid_at: null,
    closed_at: null,
    reconcile_asked_at: null,
    updated_at: now,
    protocol: r.protocol,
    name: r.name,
    notify_url: r.notifyUrl,
    return_url: r.returnUrl,
    request_digest: r.digest,
  };
  if (!(await insertClaimingSignature(ctx, row))) return null;

  let activated: ActivatedPayment;
  if (channel === null || r.type === null) {
    activated = {
      payload: "",
      payAmountFen: r.priceFen,
      providerOrderId: null,
      expiresAt: ttlExpiry,
      freeAmount: false,
    };
  } else {
    try {
      const request = { orderId: id, priceFen: r.priceFen, type: r.type, custom: r.custom, ttlExpiry, now };
      const got = await requestCodeOnSomeChannel(ctx, merchant, channel, request, (next) =>
        ctx.repos.orders.reassignCodelessOrder(id, next.id),
      );
      activated = got.code;
      row.channel_id = got.channel.id;
    } catch (err) {
      await ctx.repos.orders.deleteCreatingOrder(id);
      throw err;
    }
  }
  await ctx.repos.orders.activateOrder(id, activated, ctx.now());
  return {
    ...row,
    status: "pending",
    payload: activated.payload,
    pay_amount_fen: activated.payAmountFen,
    provider_order_id: activated.providerOrderId,
    expires_at: activated.expiresAt,
    free_amount: activated.freeAmount,
  };
}
