import { z } from "zod";
import { channelBaseSchema } from "@/lib/providers/channel-base-schema";

/**
 * A 云端 (cloudpay) upstream channel (docs/providers/cloudpay.md): another platform speaking the merchant protocol, where
 * Paydesk is the merchant. `appkey`/`appsecret` are Paydesk's credentials *at that upstream*.
 */
export const cloudpayChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("cloudpay"),
    /** The upstream's origin; `/api/cloudpay/create` is appended. */
    base_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    appkey: z.string().min(1).max(64),
    appsecret: z.string().min(1),
  })
  .strict();

export type CloudpayChannel = z.infer<typeof cloudpayChannelSchema>;
