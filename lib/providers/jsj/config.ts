import { z } from "zod";
import { channelBaseSchema } from "@/lib/providers/channel-base-schema";

/**
 * A 金沙江 JSJ API channel (docs/providers/jsj.md). The create form carries no wallet field: which wallet's code comes
 * back depends on the interfaces enabled for the apiid at that endpoint. The provider checks the code's kind against
 * the order's wallet and refuses a mismatch (code 208) rather than show a WeChat code on a QQ order; when the wallets
 * sit behind different endpoints, configure one channel per endpoint.
 */
export const jsjChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("jsj"),
    /** The gateway's create endpoint (the form is POSTed here; the reply body is the QR content). */
    base_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    /** 合作伙伴ID. */
    apiid: z.string().min(1).max(64),
    /** 安全检验码: only ever sent as md5(apikey), and used to verify callbacks. */
    apikey: z.string().min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.types.includes("alipay")) {
      ctx.addIssue({
        code: "custom",
        path: ["types"],
        message: "a jsj channel serves wxpay or qqpay (its native create returns WeChat/QQ codes only)",
      });
    }
  });

export type JsjChannel = z.infer<typeof jsjChannelSchema>;
