import "server-only";
import { chooseChannel, typeServed } from "@/lib/channels/channel-choice";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { OrderError } from "./order-errors";
import type { PayType } from "@/lib/pay-types";
import type { ChannelConfig } from "@/lib/providers/registry";
import { ChannelBusyError, UpstreamError } from "@/lib/providers/types";
import type { ActivatedPayment } from "@/lib/storage/orders-repo";
import { observeProviderCall } from "@/lib/metrics";
import { withTimeout } from "@/lib/with-timeout";
import { payloadFitsType } from "./payload-kind";

/** `type-not-served` when the merchant may not take this wallet at all (disabled, or none of its channels serves it). */
export function assertTypeOpen(ctx: AppContext, merchant: Merchant, type: PayType): void {
  if (!typeServed(ctx, merchant, type)) throw new OrderError("type-not-served");
}

/** The channel for an order (`lib/channels/channel-choice.ts`), `channel-unavailable` when none can take it now. */
export async function selectChannel(
  ctx: AppContext,
  merchant: Merchant,
  type: PayType,
  priceFen: number,
  now: number,
  exclude: ReadonlySet<string> = new Set(),
): Promise<ChannelConfig> {
  const channel = await chooseChannel(ctx, merchant, type, priceFen, now, exclude);
  if (!channel) throw new OrderError("channel-unavailable");
  return channel;
}

/** What the provider is asked for: one order's identity, amount and wallet. */
export interface CodeRequest {
  orderId: string;
  priceFen: number;
  type: PayType;
  custom: string;
  /** The order's own expiry; a provider's earlier one caps it. */
  ttlExpiry: number;
  now: number;
}

/**
 * Asks the channel's provider for a code within the channel's timeout, feeding the circuit breaker. A failure is a
 * `upstream-failed` OrderError carrying the provider's reason (ChannelFullError when the channel only had no room). An
 * amount the channel held for the order is let go on failure, also when a call given up at the timeout holds one
 * later: the order is going elsewhere.
 */
export async function requestCode(
  ctx: AppContext,
  merchant: Merchant,
  channel: ChannelConfig,
  r: CodeRequest,
): Promise<ActivatedPayment> {
  const timeoutMs = channel.timeout_ms ?? ctx.config.upstreamTimeoutMs;
  const breaker = channelBreaker();
  const started = performance.now();
  const observe = (ok: boolean) => observeProviderCall(channel.id, "create", (performance.now() - started) / 1000, ok);
  let call: Promise<unknown> | undefined;
  try {
    const result = await withTimeout(
      timeoutMs,
      (signal) =>
        (call = ctx.provider(channel).createPayment({
          orderId: r.orderId,
          amountFen: r.priceFen,
          type: r.type,
          notifyUrl: `${ctx.config.baseUrl}/api/notify/${channel.id}`,
          pageUrl: `${ctx.config.baseUrl}/pay/${r.orderId}`,
          subject: merchant.name,
          payerId: r.custom || r.orderId,
          now: r.now,
          // The order stays payable (late) through the merchant's grace: whatever the provider holds for it, too.
          holdUntil: r.ttlExpiry + merchant.late_grace_seconds * 1000,
          signal,
        })),
      () => new UpstreamError(`上游通道超时（${timeoutMs} ms）`),
    );
    if (!Number.isSafeInteger(result.payAmountFen) || result.payAmountFen <= 0 || !result.payload) {
      throw new UpstreamError("provider returned no usable code");
    }
    // A code must fit its wallet: a misbehaving upstream must not put an Alipay URL (or any site) behind the QQ button.
    if (!payloadFitsType(r.type, result.payload, `${ctx.config.baseUrl}/pay/${r.orderId}`)) {
      throw new UpstreamError(`provider returned a code that is not a ${r.type} code`);
    }
    observe(true);
    breaker.recordSuccess(channel.id);
    return {
      payload: result.payload,
      payAmountFen: result.payAmountFen,
      providerOrderId: result.providerOrderId,
      expiresAt: result.expiresAt !== null ? Math.min(r.ttlExpiry, result.expiresAt) : r.ttlExpiry,
      freeAmount: result.freeAmount,
    };
  } catch (err) {
    const release = () => ctx.repos.amounts.releaseAmountsOnChannel(r.orderId, channel.id);
    await release();
    // A call abandoned at the timeout may still claim an amount afterwards: let that go too once it settles.
    void call?.then(release, release).catch((e: unknown) => ctx.log.warn({ err: e }, "amount release failed"));
    // No room on this channel right now is not an upstream failure: no breaker, and the caller tries the next one.
    if (err instanceof ChannelBusyError) throw new ChannelFullError(channel.id, err.message);
    observe(false);
    const message = err instanceof UpstreamError ? err.message : "上游通道无响应";
    breaker.recordFailure(channel.id, ctx.now(), message);
    ctx.log.warn({ err, channel: channel.id, orderId: r.orderId }, "upstream create failed");
    throw new OrderError("upstream-failed", message);
  }
}

/** A channel had no room for the order (with the provider's reason); another channel may have. */
export class ChannelFullError extends OrderError {
  constructor(
    readonly channelId: string,
    reason: string,
  ) {
    super("channels-full", reason);
  }
}

/** One channel that could not make an order's code, and why (for the log and the console, never for the payer). */
export interface ChannelFailure {
  channelId: string;
  /** The provider's reason as the shop and the operator may read it (`PAYJS：无法连接（ECONNREFUSED）`). */
  reason: string;
  /** Only no room (every amount near the price held), not an upstream failure. */
  full: boolean;
}

/**
 * No eligible channel could make the code: every one tried failed. `upstream-failed` naming each upstream's reason
 * when one failed upstream, else `channels-full` with the last channel's reason (V免签 answers it 订单超出负荷).
 */
export class NoCodeError extends OrderError {
  constructor(readonly failures: readonly ChannelFailure[]) {
    const upstream = failures.filter((f) => !f.full);
    super(
      upstream.length > 0 ? "upstream-failed" : "channels-full",
      upstream.length > 0 ? [...new Set(upstream.map((f) => f.reason))].join("；") : (failures.at(-1)?.reason ?? ""),
    );
  }
}

/** The provider's reason an OrderError carries (`PAYJS：…`), else its whole text. */
function reasonOf(err: OrderError): string {
  return err.detail || err.message;
}

/** Who the console's timeline names for what Paydesk itself noted (no operator did anything). */
export const SYSTEM_USER = "paydesk";

/**
 * Puts channel failures on the order's console timeline (as `code_failed` entries), so an operator sees what the
 * payer never does: which channel failed and the provider's own words.
 */
export async function recordCodeFailures(
  ctx: AppContext,
  order: { id: string; appkey: string },
  failures: readonly ChannelFailure[],
): Promise<void> {
  for (const f of failures) {
    await ctx.repos.consoleAudit.insertAuditEntry({
      at: ctx.now(),
      user_name: SYSTEM_USER,
      action: "code_failed",
      appkey: order.appkey,
      order_id: order.id,
      payment_id: null,
      reason: null,
      detail: `${f.channelId}: ${f.reason}`,
    });
  }
}

/**
 * A further channel is tried only this long after the first call started (× the default upstream timeout): a
 * refused connection fails in milliseconds and always falls through, but a shop's create (or a payer waiting on
 * submit.php) is not held for every channel's full timeout in turn.
 */
const FALLBACK_BUDGET_TIMEOUTS = 2;

/**
 * `requestCode` on the chosen channel, and on the next eligible ones (the same rules, breaker, availability and
 * rotation; the same price, so each channel applies its own amount logic) while a channel is full or fails upstream
 * (unreachable, timed out, refused, no usable code): `moveTo` records the order's new channel before it is asked.
 * Each channel is asked at most once. Returns the code and the channel that gave it, the failures before it noted
 * on the order's timeline; when none can, a NoCodeError carrying every failure.
 */
export async function requestCodeOnSomeChannel(
  ctx: AppContext,
  merchant: Merchant,
  first: ChannelConfig,
  r: CodeRequest,
  moveTo: (channel: ChannelConfig) => Promise<void>,
): Promise<{ code: ActivatedPayment; channel: ChannelConfig }> {
  const tried = new Set<string>();
  const failures: ChannelFailure[] = [];
  const deadline = performance.now() + FALLBACK_BUDGET_TIMEOUTS * ctx.config.upstreamTimeoutMs;
  let channel = first;
  for (;;) {
    try {
      const code = await requestCode(ctx, merchant, channel, r);
      if (failures.length > 0) await recordCodeFailures(ctx, { id: r.orderId, appkey: merchant.appkey }, failures);
      return { code, channel };
    } catch (err) {
      if (!(err instanceof OrderError)) throw err;
      const full = err instanceof ChannelFullError;
      failures.push({ channelId: channel.id, reason: reasonOf(err), full });
      tried.add(channel.id);
      const next =
        performance.now() < deadline
          ? await selectChannel(ctx, merchant, r.type, r.priceFen, r.now, tried).catch(() => null)
          : null;
      if (!next) throw new NoCodeError(failures);
      ctx.log.info(
        { channel: channel.id, next: next.id, orderId: r.orderId, reason: err.message },
        full ? "channel full; trying the next one" : "channel failed upstream; trying the next one",
      );
      channel = next;
      await moveTo(channel);
    }
  }
}
