import "server-only";
import { findChannel } from "@/lib/config/find";
import type { AppContext } from "@/lib/context";
import { randomBase62 } from "@/lib/ids";
import { ingestNotify } from "./provider-notify";

export type SandboxPayResult = "sent" | "not_found" | "not_sandbox" | "rejected";

/**
 * The cashier's "simulate payment" button: asks the sandbox provider for its own signed notification for the amount
 * to pay and feeds it through the same ingestion path a real provider's notification takes.
 */
export async function simulateSandboxPayment(ctx: AppContext, orderId: string): Promise<SandboxPayResult> {
  const order = await ctx.repos.orders.findOrderById(orderId);
  if (!order || order.status === "creating") return "not_found";
  const channel = findChannel(ctx.config, order.channel_id);
  const provider = channel?.provider === "sandbox" ? ctx.provider(channel) : undefined;
  if (!channel || !provider?.simulatedNotifyBody) return "not_sandbox";
  const body = provider.simulatedNotifyBody({
    orderId: order.id,
    amountFen: order.pay_amount_fen,
    tradeNo: `SBX${randomBase62(20)}`,
  });
  const result = await ingestNotify(ctx, channel.id, {
    method: "POST",
    url: new URL(`/api/notify/${channel.id}`, ctx.config.baseUrl),
    headers: new Headers({ "content-type": "application/x-www-form-urlencoded" }),
    rawBody: body,
  });
  return result.kind === "ack" && result.ack.body === "success" ? "sent" : "rejected";
}
