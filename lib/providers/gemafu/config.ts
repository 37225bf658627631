import { z } from "zod";
import { channelBaseSchema } from "@/lib/providers/channel-base-schema";
import { PAY_TYPES } from "@/lib/pay-types";

/** A 个码付 (gemafu) channel (docs/providers/gemafu.md). The real endpoint is `https://fcapi.flexmuse.com/pay`. */
export const gemafuChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("gemafu"),
    /** 个码付 is a WeChat personal-code platform: its codes are WeChat codes whatever the order's type. */
    types: z
      .array(z.enum(PAY_TYPES))
      .min(1)
      .refine((t) => t.every((x) => x === "wxpay"), "个码付 serves only wxpay"),
    /** The single endpoint every method is POSTed to. */
    base_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    /** Merchant number: the platform wants a JSON number, not a string. */
    m_id: z.number().int().positive(),
    secret_key: z.string().min(1),
    /** The merchant system's application name, sent with every order and echoed in notifies. */
    appname: z.string().min(1).max(64),
  })
  .strict();

export type GemafuChannel = z.infer<typeof gemafuChannelSchema>;
