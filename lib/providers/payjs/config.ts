import { z } from "zod";
import { channelBaseSchema } from "@/lib/providers/channel-base-schema";
import { PAY_TYPES } from "@/lib/pay-types";

/** A PAYJS channel (docs/providers/payjs.md). The real base URL is `https://payjs.cn`. */
export const payjsChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("payjs"),
    /** PAYJS collects WeChat (native) and Alipay; it has no QQ wallet. */
    types: z
      .array(z.enum(PAY_TYPES))
      .min(1)
      .refine((t) => !t.includes("qqpay"), "PAYJS serves only wxpay and alipay"),
    base_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    /** 商户号 */
    mchid: z.string().min(1).max(64),
    /** 通讯密钥 */
    key: z.string().min(1),
  })
  .strict();

export type PayjsChannel = z.infer<typeof payjsChannelSchema>;
