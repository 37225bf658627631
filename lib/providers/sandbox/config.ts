import { z } from "zod";
import { channelBaseSchema } from "@/lib/providers/channel-base-schema";

/** The sandbox channel: demo and tests. `key` signs its notifications (docs/contract.md#sandbox-provider). */
export const sandboxChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("sandbox"),
    /** Signs its notifications. Required in a real config file (lib/config/safety.ts); the demo uses `sandbox`. */
    key: z.string().min(1).optional(),
    /**
     * Optional, for tests of the payer's side: per type, a QR payload to hand out instead of the page URL, with
     * `{order_id}` replaced (e.g. `"wxpay": "wxp://f2f0{order_id}"`), so a phone layout sees a realistic code.
     */
    payload_template: z
      .partialRecord(z.enum(["alipay", "wxpay", "qqpay"]), z.string().min(1).includes("{order_id}"))
      .optional(),
    /** Optional: fen added to the price to make the amount to pay (an offsetting provider, for the amount warning). */
    amount_offset_fen: z.number().int().min(0).max(99).optional(),
  })
  .strict();

export type SandboxChannel = z.infer<typeof sandboxChannelSchema>;

/**
 * The published key of the demo's sandbox (docs/contract.md#sandbox-provider), used only when a channel has none
 * (the demo config).
 */
export const DEMO_SANDBOX_KEY = "sandbox";

export function sandboxKey(channel: SandboxChannel): string {
  return channel.key ?? DEMO_SANDBOX_KEY;
}
