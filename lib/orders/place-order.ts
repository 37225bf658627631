import "server-only";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { channelsForType, shanghaiDayStart } from "@/lib/channels/select-channel";
import type { Merchant } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { newOrderId } from "@/lib/ids";
import { MerchantCode, MerchantError } from "@/lib/merchant-protocol/codes";
import type { PayType } from "@/lib/pay-types";
import type { ChannelConfig } from "@/lib/providers/registry";
import type { OrderProtocol } from "@/lib/storage/schema";
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

/**
 * One order request as every merchant protocol hands it to the order service, after the protocol verified its
 * signature and checked its own fields. Money is fen; `priceRaw` is the string as signed (echoed, compared).
 */
export interface OrderRequest {
  protocol: OrderProtocol;
  outOrderId: string;
  priceRaw: string;
  priceFen: number;
  type: PayType;
  /** Free text echoed back to the shop (云端 `custom`, epay and V免签 `param`). */
  custom: string;
  /** Product name shown on the cashier; empty when none. */
  name: string;
  /** Per-order URLs the request supplied (already through the URL guard's input check); null = the merchant's. */
  notifyUrl: string | null;
  returnUrl: string | null;
  requestSign: string;
  /**
   * For protocols with more request fields than price/type/custom: a digest of all of them. An existing order with
   * the same out_order_id is the same request only when the digests match; null compares price/type/custom.
   */
  digest: string | null;
}

function sameRequest(existing: OrderRow, r: OrderRequest): boolean {
  if (existing.protocol !== r.protocol) return false;
  if (r.digest !== null) return existing.request_digest === r.digest;
  return existing.price_raw === r.priceRaw && existing.type === r.type && existing.custom === r.custom;
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

  const deadline = ctx.now() + CONCURRENT_WAIT_MS;
  for (;;) {
    const existing = await findOrderByMerchantRef(ctx.db, merchant.appkey, req.outOrderId);
    if (existing) {
      if (!sameRequest(existing, req)) throw new MerchantError(MerchantCode.UNKNOWN, "商户订单号已存在");
      if (existing.status !== "creating") return existing;
      // The same request is being created right now (a retry racing the first call): wait for its outcome.
      if (ctx.now() > deadline) throw new MerchantError(MerchantCode.UNKNOWN, "订单创建中，请稍后重试");
      await sleep(100);
      continue;
    }
    const created = await createFresh(ctx, merchant, req);
    if (created) return created;
    // Lost the insert race to an identical request; loop to read what it made.
  }
}

async function createFresh(ctx: AppContext, merchant: Merchant, r: OrderRequest): Promise<OrderRow | null> {
  const now = ctx.now();
  if (merchant.daily_order_limit !== undefined) {
    const today = await countOrdersSince(ctx.db, merchant.appkey, shanghaiDayStart(now));
    if (today >= merchant.daily_order_limit) throw new MerchantError(MerchantCode.QUOTA_EXCEEDED);
  }
  let channel = await selectChannel(ctx, merchant, r.type, r.priceFen, now);
  const id = newOrderId();
  const ttlExpiry = now + merchant.order_ttl_seconds * 1000;
  const row: OrderRow = {
    id,
    appkey: merchant.appkey,
    out_order_id: r.outOrderId,
    custom: r.custom,
    type: r.type,
    price_raw: r.priceRaw,
    price_fen: r.priceFen,
    pay_amount_fen: r.priceFen,
    free_amount: 0,
    request_sign: r.requestSign,
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
    protocol: r.protocol,
    name: r.name,
    notify_url: r.notifyUrl,
    return_url: r.returnUrl,
    request_digest: r.digest,
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
      const next = await selectChannel(ctx, merchant, r.type, r.priceFen, now, tried).catch(() => null);
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
