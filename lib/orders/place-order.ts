import "server-only";
import type { Merchant } from "@/lib/config/schema";
import { availableTypes } from "@/lib/channels/channel-choice";
import type { BudgetHold } from "@/lib/channels/channel-budget";
import { chooseAndHold, moveHold, restFailedChannels } from "@/lib/channels/channel-budget-hold";
import type { AppContext } from "@/lib/context";
import { newOrderId } from "@/lib/ids";
import type { PayType } from "@/lib/pay-types";
import type { ActivatedPayment } from "@/lib/storage/orders-repo";
import type { Order, OrderProtocol } from "@/lib/storage/records";
import { reserveDailyOrder } from "./daily-quota";
import { OrderError } from "./order-errors";
import { insertClaimingSignature } from "./signature-guard";
import { requestCodeOnSomeChannel } from "./request-code";

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
  /** null: the shop sent no wallet; the payer chooses on the cashier (epay, docs/protocols/epay.md#payment-fields). */
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
 * `signature-used`, which each protocol answers as its own bad-signature error. Failures are OrderErrors
 * (./order-errors.ts); the adapter has checked type and price.
 */
export async function placeOrder(ctx: AppContext, merchant: Merchant, r: OrderRequest): Promise<Order> {
  const deadline = ctx.now() + CONCURRENT_WAIT_MS;
  for (;;) {
    const existing = await ctx.repos.orders.findOrderByMerchantRef(merchant.appkey, r.outOrderId);
    if (existing) {
      if (!sameRequest(existing, r)) throw new OrderError("duplicate-with-other-fields");
      if (existing.status !== "creating") return existing;
      // The same request is being created right now (a retry racing the first call): wait for its outcome.
      if (ctx.now() > deadline) throw new OrderError("still-creating");
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
  // The channel's budget slot for today is taken with the choice (docs/contract.md#channel-budgets) and given back
  // on every way out below that makes no order on it.
  const held = r.type === null ? null : await chooseAndHold(ctx, merchant, r.type, r.priceFen, now);
  if (r.type !== null && !held) throw new OrderError("channel-unavailable");
  const channel = held?.channel ?? null;
  let hold: BudgetHold | null = held?.hold ?? null;
  if (r.type === null && (await availableTypes(ctx, merchant, r.priceFen, now)).length === 0)
    throw new OrderError("channel-unavailable");
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
  const claimed = await insertClaimingSignature(ctx, row).catch(async (err: unknown) => {
    await hold?.release();
    throw err;
  });
  if (!claimed) {
    await hold?.release();
    return null;
  }

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
    const tried = [channel];
    const since = ctx.now();
    try {
      const request = { orderId: id, priceFen: r.priceFen, type: r.type, custom: r.custom, ttlExpiry, now };
      const got = await requestCodeOnSomeChannel(ctx, merchant, channel, request, async (next) => {
        const moved = hold && (await moveHold(ctx, hold, next, r.priceFen, now));
        // The fallback channel filled up since it was chosen (a concurrent create took its last slot).
        if (!moved) throw new OrderError("channels-full", `${next.id}：今日限额已满`);
        hold = moved;
        tried.push(next);
        await ctx.repos.orders.reassignCodelessOrder(id, next.id);
      });
      activated = got.code;
      row.channel_id = got.channel.id;
      await restFailedChannels(ctx, tried.slice(0, -1), since);
    } catch (err) {
      await ctx.repos.orders.deleteCreatingOrder(id);
      await hold?.release();
      await restFailedChannels(ctx, tried, since);
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
