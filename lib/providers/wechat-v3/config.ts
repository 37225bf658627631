import { z } from "zod";
import { channelBaseSchema } from "@/lib/providers/channel-base-schema";
import { PAY_TYPES } from "@/lib/pay-types";
import { loadWechatKeys, WechatKeyError } from "./keys";

export const WECHAT_API_BASE = "https://api.mch.weixin.qq.com";

/**
 * A WeChat Pay APIv3 Native channel (docs/providers/wechat-v3.md): a merchant number with Native payment, an appid
 * bound to it, the merchant API key and its certificate serial, the APIv3 key, and WeChat Pay's public key
 * (公钥 mode, `PUB_KEY_ID_…`) and/or its platform certificates. Keys are PEM text or file paths, checked at load.
 */
export const wechatV3ChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("wechat-v3"),
    /** Typed like every channel's (a narrower element type would break `types.includes(type)` elsewhere). */
    types: z
      .array(z.enum(PAY_TYPES))
      .min(1)
      .refine((t) => t.every((x) => x === "wxpay"), "wechat-v3 serves only wxpay")
      .default(["wxpay"]),
    base_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default(WECHAT_API_BASE),
    /** 商户号 */
    mchid: z.string().regex(/^\d{8,12}$/, "must be the merchant number (商户号), digits only"),
    /** The AppID bound to the merchant number (公众号, 小程序 or 开放平台 app). */
    appid: z.string().regex(/^wx[0-9a-f]{16}$/, "must be an AppID like wx1234567890abcdef"),
    /** apiclient_key.pem. Never logged or shown back. */
    merchant_private_key: z.string().min(1),
    /** 商户API证书序列号 (hex); read from merchant_cert when that is given. */
    merchant_serial_no: z
      .string()
      .regex(/^[0-9A-Fa-f]{8,40}$/, "must be the certificate serial in hex")
      .optional(),
    /** apiclient_cert.pem: optional, checked against mchid and the private key. */
    merchant_cert: z.string().min(1).optional(),
    /** The APIv3 key (APIv3密钥), 32 characters: decrypts notifies. Never logged or shown back. */
    apiv3_key: z.string().min(1),
    /** WeChat Pay public key (pub_key.pem), 公钥 mode. */
    wechatpay_public_key: z.string().min(1).optional(),
    wechatpay_public_key_id: z
      .string()
      .regex(/^PUB_KEY_ID_[0-9A-Za-z]+$/, "must look like PUB_KEY_ID_0114232134912410000000000000")
      .optional(),
    /** Platform certificates (平台证书), PEM or paths; verification picks one by its serial. */
    platform_certs: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    try {
      loadWechatKeys(c);
    } catch (err) {
      if (!(err instanceof WechatKeyError)) throw err;
      const key = err.message.split(/[:.]/)[0] ?? "";
      // The loader names the channel by its index; the id is what the operator looks for in the file.
      ctx.addIssue({ code: "custom", path: key in c ? [key] : [], message: `channel "${c.id}": ${err.message}` });
    }
  });

export type WechatV3Channel = z.infer<typeof wechatV3ChannelSchema>;
