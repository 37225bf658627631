import "server-only";
import type { AppContext } from "@/lib/context";
import { observeProviderCall } from "@/lib/metrics";
import type { ChannelConfig } from "@/lib/providers/registry";
import type { PaymentProvider } from "@/lib/providers/types";
import { withTimeout } from "@/lib/with-timeout";
import { applyPayment } from "./apply-payment";

/*
 * One close of an order's trade upstream (Alipay 当面付, WeChat Pay v3), shared by the close on expiry and the
 * merchant's own close (lib/orders/close-on-expiry.ts).
 */

/** A provider call bounded by `timeoutMs`, observed as `operation` on the channel's metrics. */
async function timed<T>(
  channelId: string,
  operation: string,
  timeoutMs: number,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await withTimeout(timeoutMs, run, () => new Error(`${operation} timed out after ${timeoutMs} ms`));
    observeProviderCall(channelId, operation, (performance.now() - started) / 1000, true);
    return result;
  } catch (err) {
    observeProviderCall(channelId, operation, (performance.now() - started) / 1000, false);
    throw err;
  }
}

/** The order whose trade a close asks the platform to close. */
export interface UpstreamCloseTarget {
  orderId: string;
  providerOrderId: string | null;
  amountFen: number;
}

/**
 * One close of an order's trade upstream, bounded by the channel's timeout: `closed` when the platform closed it (or
 * it never existed), `credited` when the platform refused because it was paid and its query gave the payment, which
 * is recorded through applyPayment exactly as a notify would be, `dropped` when it was paid but the provider cannot
 * be asked for the payment. Throws when the platform could not be reached or answered nonsense (the caller retries).
 */
export async function closeTradeUpstream(
  ctx: AppContext,
  channel: ChannelConfig,
  provider: PaymentProvider,
  p: UpstreamCloseTarget,
  now: number,
): Promise<"closed" | "credited" | "dropped"> {
  const close = provider.closePayment;
  if (!close) return "dropped";
  const timeoutMs = channel.timeout_ms ?? ctx.config.upstreamTimeoutMs;
  const log = ctx.log.child({ orderId: p.orderId, channel: channel.id });
  const closed = await timed(channel.id, "close", timeoutMs, (signal) =>
    close({ orderId: p.orderId, providerOrderId: p.providerOrderId, now, signal }),
  );
  if (closed.kind === "closed") {
    log.info("order closed upstream");
    return "closed";
  }
  // Paid before the close reached the platform: credit what the platform reports, as a notify would.
  const query = provider.queryPayment;
  if (!query) {
    log.warn("platform says the order was paid, and cannot be asked for the payment: check it there");
    return "dropped";
  }
  const answer = await timed(channel.id, "query", timeoutMs, (signal) =>
    query({ orderId: p.orderId, providerOrderId: p.providerOrderId, amountFen: p.amountFen, now, signal }),
  );
  if (!answer.paid) throw new Error("the platform refused the close as paid, but its query says unpaid");
  const apply = await applyPayment(ctx, {
    channelId: channel.id,
    tradeNo: answer.tradeNo,
    amountFen: answer.amountFen,
    match: { by: "order_id", orderId: p.orderId },
    raw: { ...answer.raw, via: "close" },
  });
  log.info({ tradeNo: answer.tradeNo, ...apply }, "order was paid upstream before its close: payment recorded");
  return "credited";
}
