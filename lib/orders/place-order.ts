import "server-only";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { channelsForType, shanghaiDayStart } from "@/lib/channels/select-channel";
import type { Merchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { newOrderId } from "@/lib/ids";
import { MerchantCode, MerchantError } from "@/lib/merchant-protocol/codes";
import type { PayType } from "@/lib/pay-types";
import type { ChannelConfig } from "@/lib/providers/registry";
import { ChannelBusyError, UpstreamError } from "@/lib/providers/types";
import {
  activateOrder,
  countOrdersSince,
  deleteCreatingOrder,
  findOrderByMerchantRef,
  insertCreatingOrder,
  reassignCreatingOrder,
  type OrderRow,
} from "@/lib/storage/orders-repo";
import { withTimeout } from "@/lib/with-timeout";
import { selectChannel } from "./choose-channel";

/** How long a concurrent duplicate create waits for the first one to finish talking to the provider. */
const CONCURRENT_WAIT_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A verified order request, whatever merchant protocol it came in (the protocol checked its signature). */
export interface OrderRequest {
  outOrderId: string;
  /** The price exactly as the shop sent and signed it: idempotency compares it. */
  priceRaw: string;
  priceFen: number;
  type: PayType;
  /** The shop's opaque value echoed back (云端 `custom`, V免签 `param`). */
  custom: string;
  requestSign: string;
}

/**
 * The one order service under every merchant protocol: channel choice, the provider's code, and idempotency per
 * (appkey, out_order_id) — the same request returns the same order whatever its state; a different one with the
 * same out_order_id answers `商户订单号已存在`.
 */
export async function placeOrder(ctx: AppContext, merchant: Merchant, req: OrderRequest): Promise<OrderRow> {
  if (merchant.disabled_types.includes(req.type)) throw new MerchantError(MerchantCode.TYPE_CLOSED);
  const typeChannels = channelsForType(ctx.config.channels, merchant.channels, req.type);
  if (typeChannels.length === 0) throw new MerchantError(MerchantCode.TYPE_CLOSED);

  const request = { price_raw: req.priceRaw, type: req.type, custom: req.custom, request_sign: req.requestSign };
  const deadline = ctx.now() + CONCURRENT_WAIT_MS;
  for (;;) {
    const existing = await findOrderByMerchantRef(ctx.db, merchant.appkey, req.outOrderId);
    if (existing) {
      if (existing.price_raw !== request.price_raw || existing.type !== req.type || existing.custom !== req.custom) {
        throw new MerchantError(MerchantCode.UNKNOWN, "商户订单号已存在");
      }
      if (existing.status !== "creating") return existing;
      // The same request is being created right now (a retry racing the first call): wait for its outcome.
      if (ctx.now() > deadline) throw new MerchantError(MerchantCode.UNKNOWN, "订单创建中，请稍后重试");
      await sleep(100);
      continue;
    }
    const created = await createFresh(ctx, merchant, req.outOrderId, req.priceFen, request);
    if (created) return created;
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
  let channel = await selectChannel(ctx, merchant, request.type, priceFen, now);
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

  const breaker = channelBreaker();
  const holdUntil = ttlExpiry + merchant.late_grace_seconds * 1000;
  const tried = new Set<string>();
  for (;;) {
    try {
      return await activate(ctx, merchant, channel, row, holdUntil);
    } catch (err) {
      if (!(err instanceof ChannelBusyError)) {
        breaker.recordFailure(channel.id, ctx.now());
        await deleteCreatingOrder(ctx.db, id);
        const message = err instanceof UpstreamError ? err.message : "上游通道无响应";
        ctx.log.warn({ err, channel: channel.id, orderId: id }, "upstream create failed");
        throw new MerchantError(MerchantCode.UPSTREAM_FAILED, message);
      }
      // This channel has no room for the order (e.g. every nearby amount is held): the next one may.
      ctx.log.info({ channel: channel.id, orderId: id, reason: err.message }, "channel busy; trying the next one");
      tried.add(channel.id);
      const next = await selectChannel(ctx, merchant, request.type, priceFen, now, tried).catch(() => null);
      if (!next) {
        await deleteCreatingOrder(ctx.db, id);
        throw new MerchantError(MerchantCode.NO_CHANNEL, err.message);
      }
      channel = next;
      await reassignCreatingOrder(ctx.db, id, channel.id);
    }
  }
}

/** Asks the channel's provider for the code and turns the `creating` claim into a pending order. */
async function activate(ctx: AppContext, merchant: Merchant, channel: ChannelConfig, row: OrderRow, holdUntil: number): Promise<OrderRow> {
  const { id, created_at: now, expires_at: ttlExpiry } = row;
  const timeoutMs = channel.timeout_ms ?? ctx.config.upstreamTimeoutMs;
  const breaker = channelBreaker();
  const result = await withTimeout(
    timeoutMs,
    (signal) =>
    ctx.provider(channel).createPayment({
      orderId: id,
      amountFen: row.price_fen,
      type: row.type as PayType,
      notifyUrl: `${ctx.config.baseUrl}/api/notify/${channel.id}`,
      pageUrl: `${ctx.config.baseUrl}/pay/${id}`,
      subject: merchant.name,
      payerId: row.custom || id,
      now,
      holdUntil,
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
    channel_id: channel.id,
    status: "pending",
    payload: activated.payload,
    pay_amount_fen: activated.payAmountFen,
    provider_order_id: activated.providerOrderId,
    expires_at: expiresAt,
    free_amount: activated.freeAmount ? 1 : 0,
  };
}
