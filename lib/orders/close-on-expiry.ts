import "server-only";
import { findChannel } from "@/lib/config/find";
import type { AppContext } from "@/lib/context";
import type { ChannelConfig } from "@/lib/providers/registry";
import type { PaymentProvider } from "@/lib/providers/types";
import type { Order } from "@/lib/storage/records";
import { canClose } from "./lifecycle";
import { closeTradeUpstream } from "./upstream-close";

/*
 * Official channels (Alipay 当面付, WeChat Pay v3) close an expired order's trade upstream, so its code cannot be paid
 * afterwards (docs/providers/alipay-f2f.md, docs/providers/wechat-v3.md). The close runs after the expiry committed,
 * never inside a transaction, each call bounded by the channel's timeout, a few at a time, so a platform that hangs
 * holds only its own orders. A platform that is down is asked again on a later sweeper pass. A platform that
 * refuses because the trade was paid meanwhile is asked for the payment, which is credited through applyPayment
 * with the same channel and trade number a notify carries (as reconciliation does), so the order ends paid, once.
 *
 * Exactly one instance closes each order: every expiry (the sweeper's, or a read's) announces `order.expired`, and
 * the instance that claims the close in the database (`expiry.claimUpstreamClose`) makes the call. Retries live in
 * that instance's memory: a restart forgets them, and the code still stops being payable at the `time_expire`
 * the provider sent with the create.
 */

/** Closes in flight at once, over all channels. */
export const CLOSE_CONCURRENCY = 8;
/** How long a close that keeps failing is retried; the code's own time_expire has long passed by then. */
export const CLOSE_RETRY_FOR_MS = 6 * 3_600_000;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;
/** Closes waiting for their retry; beyond this the oldest is dropped (its time_expire still holds). */
const MAX_PENDING = 10_000;

interface PendingClose {
  orderId: string;
  channelId: string;
  providerOrderId: string | null;
  amountFen: number;
  attempts: number;
  nextAt: number;
  giveUpAt: number;
}

/** How one close attempt ended, for the log and the tests. */
export type CloseAttempt =
  | { orderId: string; outcome: "closed" | "credited" | "dropped" }
  | { orderId: string; outcome: "retry"; reason: string };

/** Runs `work` over `items`, at most `limit` at once. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** How a merchant's close of an order ended (lib/merchant-api answers it in its own protocol). */
export type MerchantCloseOutcome =
  /** Closed here (and upstream, on an official channel), or it was already closed. */
  | { kind: "closed" }
  /** Not pending: paid (possibly just now, found paid by the platform when asked to close), expired... */
  | { kind: "not-closable"; status: Order["status"] }
  /** The platform could not be reached: the order stays pending (still payable), the merchant may try again. */
  | { kind: "upstream-failed"; reason: string };

/**
 * A merchant's own close of its pending order, for every merchant protocol (云端 /api/cloudpay/close, epay V2
 * /api/pay/close). On a channel whose provider can close upstream (Alipay 当面付, WeChat Pay v3) the trade is
 * closed there first, so the code cannot be paid after the order says closed (a payment to a closed order is not
 * credited, lib/orders/lifecycle.ts); a platform that says it was paid is credited through closeTradeUpstream
 * and the order ends paid, not closed. A platform that is down leaves the order pending rather than closed here
 * and payable there. Then the order moves pending → closed and `order.closed` is announced.
 */
export async function closeMerchantOrder(ctx: AppContext, order: Order): Promise<MerchantCloseOutcome> {
  if (order.status === "closed") return { kind: "closed" };
  if (!canClose(order, ctx.now())) return { kind: "not-closable", status: order.status };
  const channel = findChannel(ctx.config, order.channel_id);
  const provider = channel ? ctx.provider(channel) : undefined;
  if (channel && provider?.closePayment && order.payload !== "") {
    try {
      const upstream = await closeTradeUpstream(
        ctx,
        channel,
        provider,
        { orderId: order.id, providerOrderId: order.provider_order_id, amountFen: order.pay_amount_fen },
        ctx.now(),
      );
      if (upstream !== "closed") {
        const current = await ctx.repos.orders.findOrderById(order.id);
        if (current && current.status !== "pending") return { kind: "not-closable", status: current.status };
        // Paid upstream but not recordable here (reported by the log): closing it would hide a payment.
        if (upstream === "dropped") return { kind: "upstream-failed", reason: "the platform says it was paid" };
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      ctx.log.warn({ err, orderId: order.id, channel: channel.id }, "merchant close: upstream close failed");
      return { kind: "upstream-failed", reason };
    }
  }
  const now = ctx.now();
  if (!(await ctx.repos.orders.transitionOrder(order.id, ["pending"], "closed", now, { closed_at: now }))) {
    const current = await ctx.repos.orders.findOrderById(order.id);
    if (current?.status === "closed") return { kind: "closed" };
    return { kind: "not-closable", status: current?.status ?? order.status };
  }
  await ctx.events.publish({ type: "order.closed", orderId: order.id });
  return { kind: "closed" };
}

/** One process's upstream closes: fed by `order.expired`, driven by the sweeper's passes (lib/background.ts). */
export class ExpiryCloser {
  private readonly intake = new Set<string>();
  private readonly pending = new Map<string, PendingClose>();
  private running: Promise<void> | null = null;
  private again = false;
  /** Per channel config object (a settings change replaces it): whether its provider can close upstream. */
  private readonly closable = new WeakMap<ChannelConfig, boolean>();

  constructor(private readonly ctx: AppContext) {}

  /** Takes in every `order.expired` this process hears of and starts a pass; returns the unsubscribe function. */
  listen(): () => void {
    return this.ctx.events.subscribe((event) => {
      if (event.type !== "order.expired") return;
      this.intake.add(event.orderId);
      this.kick();
    });
  }

  /** Closes waiting for a retry (tests, the log). */
  get waiting(): number {
    return this.pending.size;
  }

  /** Starts a pass unless one is running (then one more follows it). Never rejects; never awaited by the sweeper. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    })()
      .catch((err: unknown) => this.ctx.log.error({ err }, "upstream close pass failed"))
      .finally(() => {
        this.running = null;
      });
  }

  /** Resolves once no pass is running (tests; stopping the background). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One pass: claims the closes of newly expired orders, then runs every due close, a few at a time. */
  async pass(): Promise<CloseAttempt[]> {
    const providers = new Map<string, { channel: ChannelConfig; provider: PaymentProvider } | null>();
    const bound = (channelId: string) => {
      if (!providers.has(channelId)) {
        const channel = findChannel(this.ctx.config, channelId);
        providers.set(channelId, channel ? { channel, provider: this.ctx.provider(channel) } : null);
      }
      return providers.get(channelId) ?? null;
    };
    const ids = [...this.intake];
    this.intake.clear();
    // Most deployments have no official channel: then an expiry costs no read at all.
    if (!this.ctx.config.channels.some((c) => this.canClose(c))) ids.length = 0;
    for (const id of ids) {
      try {
        await this.admit(id, bound);
      } catch (err) {
        // The database hiccuped: the next pass tries this one again.
        this.intake.add(id);
        this.ctx.log.warn({ err, orderId: id }, "could not take an expired order's upstream close");
      }
    }
    const now = this.ctx.now();
    const due = [...this.pending.values()].filter((p) => p.nextAt <= now);
    const results: CloseAttempt[] = [];
    await inPool(due, CLOSE_CONCURRENCY, async (p) => {
      results.push(await this.attempt(p, bound(p.channelId), now));
    });
    return results;
  }

  private canClose(channel: ChannelConfig): boolean {
    let known = this.closable.get(channel);
    if (known === undefined) {
      known = typeof this.ctx.provider(channel).closePayment === "function";
      this.closable.set(channel, known);
    }
    return known;
  }

  private async admit(
    orderId: string,
    bound: (channelId: string) => { channel: ChannelConfig; provider: PaymentProvider } | null,
  ): Promise<void> {
    if (this.pending.has(orderId)) return;
    const order = await this.ctx.repos.orders.findOrderById(orderId);
    // Paid in between (nothing to close), or never had a code upstream.
    if (!order || order.status !== "expired" || order.payload === "") return;
    if (!bound(order.channel_id)?.provider.closePayment) return;
    const now = this.ctx.now();
    if (!(await this.ctx.repos.expiry.claimUpstreamClose(order.id, order.expires_at, now))) return;
    if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) {
        this.pending.delete(oldest);
        this.ctx.log.warn({ orderId: oldest }, "upstream close dropped: too many waiting (time_expire still holds)");
      }
    }
    this.pending.set(order.id, {
      orderId: order.id,
      channelId: order.channel_id,
      providerOrderId: order.provider_order_id,
      amountFen: order.pay_amount_fen,
      attempts: 0,
      nextAt: now,
      giveUpAt: now + CLOSE_RETRY_FOR_MS,
    });
  }

  private async attempt(
    p: PendingClose,
    bound: { channel: ChannelConfig; provider: PaymentProvider } | null,
    now: number,
  ): Promise<CloseAttempt> {
    const close = bound?.provider.closePayment;
    if (!bound || !close) {
      // The channel was removed or changed provider since: nothing left to ask.
      this.pending.delete(p.orderId);
      return { orderId: p.orderId, outcome: "dropped" };
    }
    const { channel, provider } = bound;
    const log = this.ctx.log.child({ orderId: p.orderId, channel: channel.id });
    try {
      const outcome = await closeTradeUpstream(this.ctx, channel, provider, p, now);
      this.pending.delete(p.orderId);
      return { orderId: p.orderId, outcome };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      p.attempts += 1;
      if (now >= p.giveUpAt) {
        this.pending.delete(p.orderId);
        log.warn({ err, attempts: p.attempts }, "upstream close given up (time_expire still holds)");
        return { orderId: p.orderId, outcome: "dropped" };
      }
      p.nextAt = now + Math.min(FIRST_RETRY_MS * 2 ** (p.attempts - 1), MAX_RETRY_MS);
      log.warn({ err, attempts: p.attempts, retryAt: p.nextAt }, "upstream close failed; retried on a later pass");
      return { orderId: p.orderId, outcome: "retry", reason };
    }
  }
}
