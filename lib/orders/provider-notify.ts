import "server-only";
import type { AppContext } from "@/lib/context";
import { findChannel } from "@/lib/config";
import type { NotifyRequest, ProviderAck } from "@/lib/providers/types";
import { findOrderByProviderOrderId } from "@/lib/storage/orders-repo";
import { applyPayment } from "./apply-payment";

export type IngestResult =
  { kind: "ack"; ack: ProviderAck } | { kind: "redirect"; orderId: string | null } | { kind: "unknown_channel" };

/**
 * A provider notification: parse (the provider verifies first), apply once, answer the provider's own ack.
 * If recording fails, the provider gets its retry ack so the payment comes back later instead of being lost.
 */
export async function ingestNotify(ctx: AppContext, channelId: string, request: NotifyRequest): Promise<IngestResult> {
  const channel = findChannel(ctx.config, channelId);
  if (!channel) return { kind: "unknown_channel" };
  const provider = ctx.provider(channel);
  const outcome = await provider.parseNotify(request);
  const log = ctx.log.child({ channel: channelId });

  switch (outcome.kind) {
    case "rejected":
      log.warn({ reason: outcome.reason }, "provider notification rejected");
      return { kind: "ack", ack: outcome.ack };
    case "ignored":
      log.info({ reason: outcome.reason }, "provider notification ignored");
      return { kind: "ack", ack: outcome.ack };
    case "browser": {
      const m = outcome.match;
      if (m.by === "order_id") return { kind: "redirect", orderId: m.orderId };
      if (m.by === "provider_order_id") {
        const order = await findOrderByProviderOrderId(ctx.db, channelId, m.providerOrderId);
        return { kind: "redirect", orderId: order?.id ?? null };
      }
      return { kind: "redirect", orderId: null };
    }
    case "payment": {
      try {
        const result = await applyPayment(ctx, {
          channelId,
          tradeNo: outcome.tradeNo,
          amountFen: outcome.amountFen,
          match: outcome.match,
          raw: outcome.raw,
        });
        log.info({ tradeNo: outcome.tradeNo, amountFen: outcome.amountFen, ...result }, "provider payment recorded");
        return { kind: "ack", ack: outcome.ack };
      } catch (err) {
        log.error({ err, tradeNo: outcome.tradeNo }, "could not record provider payment; asking the provider to retry");
        return { kind: "ack", ack: provider.retryAck };
      }
    }
  }
}
