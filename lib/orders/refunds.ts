import "server-only";
import { findChannel } from "@/lib/config/find";
import type { AppContext } from "@/lib/context";
import { randomBase62 } from "@/lib/ids";
import type { ChannelConfig } from "@/lib/providers/registry";
import { UpstreamError, type PaymentProvider, type RefundOutcome } from "@/lib/providers/types";
import type { Order } from "@/lib/storage/records";
import type { Refund, RefundStatus } from "@/lib/storage/refund-records";
import type { Repositories } from "@/lib/storage/repositories";
import { withTimeout } from "@/lib/with-timeout";

export type { RefundStatus } from "@/lib/storage/refund-records";

/**
 * The refund service, speaking no merchant protocol (docs/architecture.md): a refund belongs to a paid order, several
 * may follow each other up to the amount paid, and each is named once by (order, refund number). Every merchant
 * protocol's refund action and the console call `refundOrder`; each answers every `RefundErrorKind` in its own words.
 */
export type RefundErrorKind =
  | "order-not-found"
  /** Pending, expired or closed: only money that was received can go back. */
  | "order-not-paid"
  /** Not a positive integer number of fen (or a refund number that is not 1–64 printable characters). */
  | "amount-invalid"
  /** More than what is left of the paid amount once the refunds before it are counted. */
  | "exceeds-remaining"
  /** The refund number already names a refund of another amount. */
  | "refund-no-conflict"
  /** A personal-code channel: its provider cannot pay back by API, so only a manual (recorded) refund is possible. */
  | "channel-cannot-refund";

/** What the domain says for each kind; protocols that answer in their own words do not use these. */
export const REFUND_ERROR_TEXT: Record<RefundErrorKind, string> = {
  "order-not-found": "订单不存在",
  "order-not-paid": "订单未支付，不能退款",
  "amount-invalid": "退款金额无效",
  "exceeds-remaining": "退款金额超过可退金额",
  "refund-no-conflict": "退款单号已用于另一金额的退款",
  "channel-cannot-refund": "该通道不支持原路退款，请手动退款后在后台登记",
};

export class RefundError extends Error {
  constructor(
    readonly kind: RefundErrorKind,
    /** What remains refundable (fen), for `exceeds-remaining`; else null. */
    readonly remainingFen: number | null = null,
  ) {
    super(REFUND_ERROR_TEXT[kind]);
    this.name = "RefundError";
  }
}

export interface RefundView {
  refundNo: string;
  orderId: string;
  amountFen: number;
  status: RefundStatus;
  reason: string;
  note: string;
  actor: string;
  providerRefundId: string | null;
  failure: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RefundTotals {
  paidFen: number;
  refundedFen: number;
  netFen: number;
}

export interface RefundRequest {
  orderId: string;
  /** The merchant's refund number; absent, Paydesk makes one (a console refund). */
  refundNo?: string;
  amountFen: number;
  reason: string;
  /** `console:<user>` or `api:<protocol>:<appkey>`; a console actor's refund is written to the console audit log. */
  actor: string;
  /** `api`: the provider pays it back; `manual`: the operator already did, by hand, and records it (`note`). */
  mode: "api" | "manual";
  note?: string;
}

/** A refund number: what merchants' systems send as `out_refund_no`, and what a platform accepts back. */
export const REFUND_NO_PATTERN = /^[A-Za-z0-9_\-|*@.]{1,64}$/;
const CONSOLE_ACTOR = /^console:(.+)$/;
const MAX_TEXT = 500;

export function toRefundView(r: Refund): RefundView {
  return {
    refundNo: r.refund_no,
    orderId: r.order_id,
    amountFen: r.amount_fen,
    status: r.status,
    reason: r.reason,
    note: r.note,
    actor: r.actor,
    providerRefundId: r.provider_refund_id,
    failure: r.failure,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What an order was paid: the amount credited (the payer's), which is what can go back. */
export function paidFenOf(order: Order): number {
  return order.real_fen ?? order.pay_amount_fen;
}

/** The channel's provider, when the channel is still configured. */
function providerOf(ctx: AppContext, order: Order): { channel: ChannelConfig; provider: PaymentProvider } | null {
  const channel = findChannel(ctx.config, order.channel_id);
  return channel ? { channel, provider: ctx.provider(channel) } : null;
}

/** Whether the order's channel can pay money back by API (else the console offers only a manual, recorded refund). */
export function channelCanRefund(ctx: AppContext, order: Order): boolean {
  return typeof providerOf(ctx, order)?.provider.refund === "function";
}

/**
 * Refunds part or all of a paid order, exactly once per (order, refund number). The amount is reserved and the row
 * written in one transaction that serialises the order's refunds (lib/storage/refunds-repo.ts `claimRefund`); only
 * then, outside it, the provider is asked, and its answer stored: succeeded, failed (the amount is free again), or
 * still `requested` when it is pending or its answer was lost (the background pass asks again, `retryRequestedRefunds`).
 * A repeat with the same number and amount answers the refund as it is; another amount is `refund-no-conflict`.
 */
export async function refundOrder(ctx: AppContext, input: RefundRequest): Promise<RefundView> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new RefundError("amount-invalid");
  if (input.refundNo !== undefined && !REFUND_NO_PATTERN.test(input.refundNo)) throw new RefundError("amount-invalid");
  const order = await ctx.repos.orders.findOrderById(input.orderId);
  if (!order || order.status === "creating") throw new RefundError("order-not-found");
  if (order.status !== "paid") throw new RefundError("order-not-paid");
  const bound = providerOf(ctx, order);
  if (input.mode === "api" && !bound?.provider.refund) throw new RefundError("channel-cannot-refund");

  const now = ctx.now();
  const refundNo = input.refundNo ?? `R${randomBase62(20)}`;
  const consoleUser = CONSOLE_ACTOR.exec(input.actor)?.[1] ?? null;
  const claimed = await ctx.withTransaction(async (tx) => {
    const result = await tx.refunds.claimRefund({
      orderId: order.id,
      appkey: order.appkey,
      channelId: order.channel_id,
      refundNo,
      amountFen: input.amountFen,
      paidFen: paidFenOf(order),
      status: input.mode === "manual" ? "recorded" : "requested",
      reason: input.reason.trim().slice(0, MAX_TEXT),
      note: (input.note ?? "").trim().slice(0, MAX_TEXT),
      actor: input.actor.slice(0, 64),
      now,
    });
    if ((result.kind === "created" || result.kind === "retried") && consoleUser !== null) {
      await tx.consoleAudit.insertAuditEntry({
        at: now,
        user_name: consoleUser,
        action: "refund",
        appkey: order.appkey,
        order_id: order.id,
        payment_id: null,
        reason: input.reason.trim().slice(0, MAX_TEXT) || null,
        detail:
          input.mode === "manual"
            ? `recorded ${input.amountFen} fen paid back by hand, refund ${refundNo}: ${input.note?.trim().slice(0, MAX_TEXT) ?? ""}`
            : `refund of ${input.amountFen} fen asked of channel ${order.channel_id}, refund ${refundNo}`,
      });
    }
    return result;
  });
  if (claimed.kind === "exceeds") throw new RefundError("exceeds-remaining", claimed.remainingFen);
  if (claimed.kind === "existing") {
    if (claimed.refund.amount_fen !== input.amountFen) throw new RefundError("refund-no-conflict");
    return toRefundView(claimed.refund);
  }
  if (claimed.refund.status !== "requested" || !bound?.provider.refund) return toRefundView(claimed.refund);
  return toRefundView(await askProvider(ctx, order, claimed.refund, bound, "refund"));
}

/**
 * Asks the provider about one `requested` refund — `refund` itself (a repeat with the same refund number never pays
 * back twice: lib/providers/types.ts `RefundInput`) or `queryRefund` — and stores what it said. A transport failure
 * or a timeout leaves the refund `requested`, to be asked again.
 */
async function askProvider(
  ctx: AppContext,
  order: Order,
  refund: Refund,
  bound: { channel: ChannelConfig; provider: PaymentProvider },
  how: "refund" | "query",
): Promise<Refund> {
  const { provider, channel } = bound;
  const now = ctx.now();
  const timeoutMs = channel.timeout_ms ?? ctx.config.upstreamTimeoutMs;
  let outcome: RefundOutcome;
  try {
    outcome = await withTimeout(
      timeoutMs,
      async (signal) => {
        if (how === "query" && provider.queryRefund) {
          return provider.queryRefund({ orderId: order.id, refundNo: refund.refund_no, now, signal });
        }
        if (!provider.refund) throw new UpstreamError("provider cannot refund");
        const payment = (await ctx.repos.payments.listPaymentsForOrder(order.id)).find((p) => p.status === "applied");
        return provider.refund({
          orderId: order.id,
          tradeNo: payment?.trade_no,
          refundNo: refund.refund_no,
          amountFen: refund.amount_fen,
          totalFen: paidFenOf(order),
          reason: refund.reason || undefined,
          now,
          signal,
        });
      },
      () => new UpstreamError("refund timed out"),
    );
  } catch (err) {
    ctx.log.warn({ err, orderId: order.id, refundNo: refund.refund_no }, "refund outcome unknown; asked again later");
    await ctx.repos.refunds.touchRequestedRefund(refund.id, { providerRefundId: null, now: ctx.now() });
    return (await ctx.repos.refunds.findRefundByNo(order.id, refund.refund_no)) ?? refund;
  }
  const at = ctx.now();
  if (outcome.kind === "pending") {
    await ctx.repos.refunds.touchRequestedRefund(refund.id, {
      providerRefundId: outcome.providerRefundId ?? null,
      now: at,
    });
    return (await ctx.repos.refunds.findRefundByNo(order.id, refund.refund_no)) ?? refund;
  }
  const settled = await ctx.repos.refunds.settleRefund(
    refund.id,
    outcome.kind === "succeeded"
      ? { status: "succeeded", providerRefundId: outcome.providerRefundId ?? null, failure: null, now: at }
      : { status: "failed", providerRefundId: null, failure: outcome.reason.slice(0, MAX_TEXT), now: at },
  );
  ctx.log.info({ orderId: order.id, refundNo: refund.refund_no, outcome: outcome.kind }, "refund answered");
  return settled ?? refund;
}

/** How long a `requested` refund rests before the background pass asks about it again. */
export const REFUND_RETRY_AFTER_MS = 60_000;

/**
 * The background pass: refunds still `requested` (pending upstream, or their answer lost) are asked about again —
 * `queryRefund` where the provider has it, else `refund` with the same number. Returns how many were asked.
 */
export async function retryRequestedRefunds(ctx: AppContext, limit = 20): Promise<number> {
  const stale = await ctx.repos.refunds.listStaleRequestedRefunds(ctx.now() - REFUND_RETRY_AFTER_MS, limit);
  for (const refund of stale) {
    const order = await ctx.repos.orders.findOrderById(refund.order_id);
    const bound = order ? providerOf(ctx, order) : null;
    if (!order || !bound || (!bound.provider.queryRefund && !bound.provider.refund)) {
      // Nobody can answer it now (the channel was removed): rest it, so it does not block the others.
      await ctx.repos.refunds.touchRequestedRefund(refund.id, { providerRefundId: null, now: ctx.now() });
      continue;
    }
    await askProvider(ctx, order, refund, bound, bound.provider.queryRefund ? "query" : "refund");
  }
  return stale.length;
}

export async function findRefund(ctx: AppContext, orderId: string, refundNo: string): Promise<RefundView | null> {
  const r = await ctx.repos.refunds.findRefundByNo(orderId, refundNo);
  return r ? toRefundView(r) : null;
}

/** An order's refunds, oldest first. */
export async function refundsOf(ctx: AppContext, orderId: string): Promise<RefundView[]> {
  return (await ctx.repos.refunds.listRefundsForOrder(orderId)).map(toRefundView);
}

/** Requested, succeeded and recorded refunds hold their amount; failed ones do not. */
export function refundTotals(paidFen: number, refunds: readonly RefundView[]): RefundTotals {
  const refundedFen = refunds.filter((r) => r.status !== "failed").reduce((s, r) => s + r.amountFen, 0);
  return { paidFen, refundedFen, netFen: paidFen - refundedFen };
}

/** The totals of a paid order from storage (0 paid for an order that is not paid). */
export async function refundTotalsOf(repos: Repositories, order: Order): Promise<RefundTotals> {
  const paid = order.status === "paid" ? paidFenOf(order) : 0;
  const refunded = (await repos.refunds.refundedFenByOrder([order.id])).get(order.id) ?? 0;
  return { paidFen: paid, refundedFen: refunded, netFen: paid - refunded };
}
