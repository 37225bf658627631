import "server-only";
import { z } from "zod";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { channelsForType, rotate, rulesAllow, shanghaiDayStart } from "@/lib/channels/select-channel";
import { findMerchant, type Merchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { newOrderId } from "@/lib/ids";
import { withTimeout } from "@/lib/with-timeout";
import { MerchantCode, MerchantError } from "@/lib/merchant-protocol/codes";
import { createSign, signaturesEqual } from "@/lib/merchant-protocol/sign";
import { formatYuan, parseYuan } from "@/lib/money";
import { UpstreamError } from "@/lib/providers/types";
import { PAY_TYPES, type PayType } from "@/lib/pay-types";
import {
  activateOrder,
  collectedSince,
  countOrdersSince,
  deleteCreatingOrder,
  findOrderByMerchantRef,
  insertCreatingOrder,
  lastPaidChannel,
  type OrderRow,
} from "@/lib/storage/orders-repo";

/**
 * Fields a shop may not send: everything that would let a request override what the merchant configured in
 * Paydesk (where money is announced, the amount to pay, the order's identity). Answered with code 106.
 */
const FORBIDDEN_PARAMS = ["notify_url", "return_url", "timeout_url", "order_id", "pay_amount", "realprice", "channel"];

const MAX_OUT_ORDER_ID = 128;
const MAX_CUSTOM = 255;
/** How long a concurrent duplicate create waits for the first one to finish talking to the provider. */
const CONCURRENT_WAIT_MS = 15_000;

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
  const expected = createSign(
    { appkey: merchant.appkey, price: p.price, type: p.type, out_order_id: p.out_order_id, custom: p.custom },
    merchant.appsecret,
  );
  if (!signaturesEqual(expected, params.sign ?? "")) throw new MerchantError(MerchantCode.SIGN_INVALID);

  if (!merchant.return_url) throw new MerchantError(MerchantCode.RETURN_URL_MISSING);
  if (!merchant.notify_url) throw new MerchantError(MerchantCode.NOTIFY_URL_MISSING);
  if (!(PAY_TYPES as readonly string[]).includes(p.type)) throw new MerchantError(MerchantCode.TYPE_INVALID);
  const type = p.type as PayType;
  const priceFen = parseYuan(p.price);
  if (priceFen === null || priceFen <= 0) throw new MerchantError(MerchantCode.PRICE_INVALID);
  if (merchant.disabled_types.includes(type)) throw new MerchantError(MerchantCode.TYPE_CLOSED);
  const typeChannels = channelsForType(ctx.config.channels, merchant.channels, type);
  if (typeChannels.length === 0) throw new MerchantError(MerchantCode.TYPE_CLOSED);

  const request = { price_raw: p.price, type, custom: p.custom, request_sign: params.sign ?? "" };
  const deadline = ctx.now() + CONCURRENT_WAIT_MS;
  for (;;) {
    const existing = await findOrderByMerchantRef(ctx.db, merchant.appkey, p.out_order_id);
    if (existing) {
      if (existing.price_raw !== request.price_raw || existing.type !== type || existing.custom !== p.custom) {
        throw new MerchantError(MerchantCode.UNKNOWN, "商户订单号已存在");
      }
      if (existing.status !== "creating") return orderData(ctx, existing);
      // The same request is being created right now (a retry racing the first call): wait for its outcome.
      if (ctx.now() > deadline) throw new MerchantError(MerchantCode.UNKNOWN, "订单创建中，请稍后重试");
      await sleep(100);
      continue;
    }
    const created = await createFresh(ctx, merchant, p.out_order_id, priceFen, request);
    if (created) return orderData(ctx, created);
    // Lost the insert race to an identical request; loop to read what it made.
  }
}

async function createFresh(
  ctx: AppContext,
  merchant: Merchant,
  outOrderId: string,
  priceFen: number,
  request: { price_raw: string; type: PayType; custom: string; request_sign: string },
): Promise<OrderRow | null> {
  const now = ctx.now();
  if (merchant.daily_order_limit !== undefined) {
    const today = await countOrdersSince(ctx.db, merchant.appkey, shanghaiDayStart(now));
    if (today >= merchant.daily_order_limit) throw new MerchantError(MerchantCode.QUOTA_EXCEEDED);
  }
  const channel = await selectChannel(ctx, merchant, request.type, priceFen, now);
  const id = newOrderId();
  const ttlExpiry = now + merchant.order_ttl_seconds * 1000;
  const row: OrderRow = {
    id,
    appkey: merchant.appkey,
    out_order_id: outOrderId,
    custom: request.custom,
    type: request.type,
    price_raw: request.price_raw,
    price_fen: priceFen,
    pay_amount_fen: priceFen,
    free_amount: 0,
    request_sign: request.request_sign,
    channel_id: channel.id,
    provider_order_id: null,
    payload: "",
    status: "creating",
    late: 0,
    real_fen: null,
    created_at: now,
    expires_at: ttlExpiry,
    paid_at: null,
    closed_at: null,
    reconcile_asked_at: null,
    updated_at: now,
  };
  if (!(await insertCreatingOrder(ctx.db, row))) return null;

  const timeoutMs = channel.timeout_ms ?? ctx.config.upstreamTimeoutMs;
  const breaker = channelBreaker();
  try {
    const result = await withTimeout(
      timeoutMs,
      (signal) =>
        ctx.provider(channel).createPayment({
          orderId: id,
          amountFen: priceFen,
          type: request.type,
          notifyUrl: `${ctx.config.baseUrl}/api/notify/${channel.id}`,
          pageUrl: `${ctx.config.baseUrl}/pay/${id}`,
          subject: merchant.name,
          payerId: request.custom || id,
          now,
          signal,
        }),
      () => new UpstreamError(`上游通道超时（${timeoutMs} ms）`),
    );
    if (!Number.isSafeInteger(result.payAmountFen) || result.payAmountFen <= 0 || !result.payload) {
      throw new UpstreamError("provider returned no usable code");
    }
    breaker.recordSuccess(channel.id);
    const expiresAt = result.expiresAt !== null ? Math.min(ttlExpiry, result.expiresAt) : ttlExpiry;
    const activated = {
      payload: result.payload,
      payAmountFen: result.payAmountFen,
      providerOrderId: result.providerOrderId,
      expiresAt,
      freeAmount: result.freeAmount,
    };
    await activateOrder(ctx.db, id, activated, ctx.now());
    return {
      ...row,
      status: "pending",
      payload: activated.payload,
      pay_amount_fen: activated.payAmountFen,
      provider_order_id: activated.providerOrderId,
      expires_at: expiresAt,
      free_amount: activated.freeAmount ? 1 : 0,
    };
  } catch (err) {
    breaker.recordFailure(channel.id, ctx.now());
    await deleteCreatingOrder(ctx.db, id);
    const message = err instanceof UpstreamError ? err.message : "上游通道无响应";
    ctx.log.warn({ err, channel: channel.id, orderId: id }, "upstream create failed");
    throw new MerchantError(MerchantCode.UPSTREAM_FAILED, message);
  }
}

/** Rules, circuit breaker, then the merchant's rotation strategy (PROTOCOLS §1.6). */
async function selectChannel(ctx: AppContext, merchant: Merchant, type: PayType, priceFen: number, now: number) {
  const breaker = channelBreaker();
  const candidates = channelsForType(ctx.config.channels, merchant.channels, type).filter(
    (c) => rulesAllow(c.rules, priceFen, now) && !breaker.isOpen(c.id, now),
  );
  if (candidates.length === 0) throw new MerchantError(MerchantCode.NO_CHANNEL);
  if (candidates.length === 1) return candidates[0]!;
  const ids = candidates.map((c) => c.id);
  const facts = {
    lastPaidChannel: merchant.rotation === "smart" ? await lastPaidChannel(ctx.db, merchant.appkey) : undefined,
    collectedToday:
      merchant.rotation === "uniform"
        ? await collectedSince(ctx.db, ids, shanghaiDayStart(now))
        : new Map<string, number>(),
  };
  return rotate(candidates, merchant.rotation, facts, ctx.random);
}
