import "server-only";
import { findChannel } from "@/lib/config";
import type { AppContext } from "@/lib/context";
import { randomBase62 } from "@/lib/ids";
import { sandboxKey } from "@/lib/providers/sandbox/config";
import { sandboxNotifySign } from "@/lib/providers/sandbox/sandbox-provider";
import { ingestNotify } from "./provider-notify";

export type SandboxPayResult = "sent" | "not_found" | "not_sandbox" | "rejected";

/**
 * The cashier's "simulate payment" button: builds the sandbox provider's own signed notification for the amount to
 * pay and feeds it through the same ingestion path a real provider's notification takes.
 */
export async function simulateSandboxPayment(ctx: AppContext, orderId: string): Promise<SandboxPayResult> {
  const order = await ctx.repos.orders.findOrderById(orderId);
  if (!order || order.status === "creating") return "not_found";
  const channel = findChannel(ctx.config, order.channel_id);
  if (!channel || channel.provider !== "sandbox") return "not_sandbox";
  const fields = { order_id: order.id, amount: String(order.pay_amount_fen), trade_no: `SBX${randomBase62(20)}` };
  const body = new URLSearchParams({ ...fields, sign: sandboxNotifySign(fields, sandboxKey(channel)) }).toString();
  const result = await ingestNotify(ctx, channel.id, {
    method: "POST",
    url: new URL(`/api/notify/${channel.id}`, ctx.config.baseUrl),
    headers: new Headers({ "content-type": "application/x-www-form-urlencoded" }),
    rawBody: body,
  });
  return result.kind === "ack" && result.ack.body === "success" ? "sent" : "rejected";
}
