import "server-only";
import type { AppContext } from "@/lib/context";
import { findChannel } from "@/lib/config/find";
import type { Limits } from "@/lib/config/limits";
import { LogSampler } from "@/lib/log-sampler";
import { recordPayment } from "@/lib/metrics";
import type { NotifyOutcome, NotifyRequest, ProviderAck } from "@/lib/providers/types";
import { applyPayment } from "./apply-payment";

/**
 * How far a monitor app's clock may be from Paydesk's for its heartbeat to count: a heartbeat is a signed but
 * replayable URL, so an old one must not keep a dead phone's channel taking orders.
 */
export const MONITOR_CLOCK_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * Whether a monitor app's call, sent at `sentAt` by its own clock, is fresh at `now`: the one window for its
 * heartbeats and its payment reports alike (a V免签 push's `t` is all that tells one signed push from a re-split).
 */
export function withinMonitorClock(sentAt: number, now: number): boolean {
  return Math.abs(now - sentAt) <= MONITOR_CLOCK_TOLERANCE_MS;
}

export type IngestResult =
  /** `rejected`: the notification failed verification (counted against the sender's IP by the HTTP layer). */
  | { kind: "ack"; ack: ProviderAck; rejected?: boolean }
  | { kind: "redirect"; orderId: string | null }
  | { kind: "unknown_channel" };

const samplers = new WeakMap<Limits, LogSampler>();

function samplerFor(limits: Limits): LogSampler {
  let s = samplers.get(limits);
  if (!s) samplers.set(limits, (s = new LogSampler(limits.rejected_notify_logs_per_minute, limits.log_sample_every)));
  return s;
}

/** The provider's "try again later" answer for a channel (a rate-limited or oversized notify gets it). */
export function retryAckFor(ctx: AppContext, channelId: string): ProviderAck | undefined {
  const channel = findChannel(ctx.config, channelId);
  return channel ? ctx.provider(channel).retryAck : undefined;
}

/**
 * A provider notification: parse (the provider verifies first), apply once, answer the provider's own ack.
 * If recording fails, the provider gets its retry ack so the payment comes back later instead of being lost.
 */
export async function ingestNotify(ctx: AppContext, channelId: string, request: NotifyRequest): Promise<IngestResult> {
  const channel = findChannel(ctx.config, channelId);
  if (!channel) return { kind: "unknown_channel" };
  const provider = ctx.provider(channel);
  const outcome = await provider.parseNotify({ ...request, now: ctx.now() });
  const log = ctx.log.child({ channel: channelId });

  switch (outcome.kind) {
    case "rejected": {
      // Forged notifies cost nothing to send: log a sample, not every one (2,000 forgeries wrote 2,008 lines).
      const skipped = samplerFor(ctx.config.limits).take(channelId, ctx.now());
      if (skipped !== null) log.warn({ reason: outcome.reason, skipped }, "provider notification rejected");
      return { kind: "ack", ack: outcome.ack, rejected: true };
    }
    case "heartbeat": {
      const now = ctx.now();
      if (!withinMonitorClock(outcome.sentAt, now)) {
        log.warn(
          { sentAt: outcome.sentAt, now },
          "monitor heartbeat refused: the app's clock is off (or the call is a replay)",
        );
        return { kind: "ack", ack: outcome.clockAck };
      }
      const previous = await ctx.repos.monitors.recordHeartbeat(channelId, now);
      if (previous === null || now - previous > outcome.offlineAfterMs) {
        log.info({ lastHeartbeatAt: previous }, "channel monitor online");
      } else {
        log.debug("channel monitor heartbeat");
      }
      return { kind: "ack", ack: outcome.ack };
    }
    case "ignored":
      log.info({ reason: outcome.reason }, "provider notification ignored");
      return { kind: "ack", ack: outcome.ack };
    case "browser": {
      const m = outcome.match;
      if (m.by === "order_id") return { kind: "redirect", orderId: m.orderId };
      if (m.by === "provider_order_id") {
        const order = await ctx.repos.orders.findOrderByProviderOrderId(channelId, m.providerOrderId);
        return { kind: "redirect", orderId: order?.id ?? null };
      }
      return { kind: "redirect", orderId: null };
    }
    case "payment": {
      try {
        const now = ctx.now();
        if (outcome.clock && !withinMonitorClock(outcome.clock.sentAt, now)) {
          await keepStalePayment(ctx, channelId, outcome, outcome.clock.sentAt, now);
          recordPayment("unmatched", STALE_PUSH);
          log.warn(
            { tradeNo: outcome.tradeNo, sentAt: outcome.clock.sentAt, now },
            "monitor payment refused: sent outside the clock window (a re-split or replayed push); kept for review",
          );
          return { kind: "ack", ack: outcome.clock.clockAck };
        }
        const result = await applyPayment(ctx, {
          channelId,
          tradeNo: outcome.tradeNo,
          amountFen: outcome.amountFen,
          ...(outcome.type ? { type: outcome.type } : {}),
          match: outcome.match,
          raw: outcome.raw,
        });
        recordPayment(
          result.outcome,
          result.outcome === "unmatched" || result.outcome === "mismatched"
            ? result.reason
            : result.outcome === "applied" && result.late
              ? "late"
              : "",
        );
        log.info({ tradeNo: outcome.tradeNo, amountFen: outcome.amountFen, ...result }, "provider payment recorded");
        return { kind: "ack", ack: outcome.ack };
      } catch (err) {
        log.error({ err, tradeNo: outcome.tradeNo }, "could not record provider payment; asking the provider to retry");
        return { kind: "ack", ack: provider.retryAck };
      }
    }
  }
}

/** The review reason of a monitor payment refused for its send time. */
export const STALE_PUSH = "stale_push";

/**
 * A verified monitor payment whose send time is outside the window: kept for the console's review, linked to no
 * order, so nothing is credited and no shop is told. Its trade number is the one it would have had, so a re-sent
 * copy is one row; an operator who knows the payment is real credits it from review.
 */
async function keepStalePayment(
  ctx: AppContext,
  channelId: string,
  outcome: Extract<NotifyOutcome, { kind: "payment" }>,
  sentAt: number,
  now: number,
): Promise<void> {
  await ctx.repos.payments.insertPaymentOnce({
    channel_id: channelId,
    trade_no: outcome.tradeNo,
    order_id: null,
    amount_fen: outcome.amountFen,
    status: "unmatched",
    reason: STALE_PUSH,
    raw: JSON.stringify({ ...outcome.raw, sentAt, receivedAt: now }),
    received_at: now,
  });
}
