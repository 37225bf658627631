import { z } from "zod";
import { channelBaseSchema } from "@/lib/providers/channel-base-schema";
import { PAY_TYPES } from "@/lib/pay-types";
import { KeyMaterialError, loadAlipayKeys } from "./keys";

export const ALIPAY_GATEWAY = "https://openapi.alipay.com/gateway.do";

/**
 * An Alipay 当面付 channel (docs/providers/alipay-f2f.md): an open-platform app with 当面付 signed, RSA2 keys in
 * 公钥 mode (`alipay_public_key`) or 公钥证书 mode (`app_cert`, `alipay_public_cert`, `alipay_root_cert`). Each key
 * or certificate is PEM text, the key tool's one-line base64, or a file path. Checked at load, so a key that does
 * not parse or a certificate of another app stops the config with the reason, not the first order.
 */
export const alipayF2fChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("alipay-f2f"),
    /** Typed like every channel's (a narrower element type would break `types.includes(type)` elsewhere). */
    types: z
      .array(z.enum(PAY_TYPES))
      .min(1)
      .refine((t) => t.every((x) => x === "alipay"), "alipay-f2f serves only alipay")
      .default(["alipay"]),
    /** The gateway; the sandbox is `https://openapi-sandbox.dl.alipaydev.com/gateway.do`. */
    gateway: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default(ALIPAY_GATEWAY),
    /** The open-platform app id (APPID), 16 digits. */
    app_id: z.string().regex(/^\d{16}$/, "must be the 16-digit APPID of the open-platform app"),
    /** 应用私钥 (RSA2, 2048 bits). Never logged or shown back. */
    app_private_key: z.string().min(1),
    /** 支付宝公钥 (公钥 mode). */
    alipay_public_key: z.string().min(1).optional(),
    /** 应用公钥证书 appCertPublicKey_….crt (公钥证书 mode). */
    app_cert: z.string().min(1).optional(),
    /** 支付宝公钥证书 alipayCertPublicKey_RSA2.crt (公钥证书 mode). */
    alipay_public_cert: z.string().min(1).optional(),
    /** 支付宝根证书 alipayRootCert.crt (公钥证书 mode). */
    alipay_root_cert: z.string().min(1).optional(),
    /** The merchant's PID (2088…): when set, a notify or query for another seller is not credited. */
    seller_id: z
      .string()
      .regex(/^2088\d{12}$/, "must be the 16-digit PID starting 2088")
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const certs = [c.app_cert, c.alipay_public_cert, c.alipay_root_cert].filter((v) => v !== undefined).length;
    if (c.alipay_public_key !== undefined && certs > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["alipay_public_key"],
        message: "choose one key mode: alipay_public_key (公钥) or the three certificates (公钥证书), not both",
      });
      return;
    }
    if (c.alipay_public_key === undefined && certs !== 3) {
      ctx.addIssue({
        code: "custom",
        path: ["alipay_public_key"],
        message: "set alipay_public_key (公钥 mode), or all of app_cert, alipay_public_cert and alipay_root_cert",
      });
      return;
    }
    try {
      loadAlipayKeys(c);
    } catch (err) {
      if (!(err instanceof KeyMaterialError)) throw err;
      const key = err.message.split(":")[0] ?? "";
      // The loader names the channel by its index; the id is what the operator looks for in the file.
      ctx.addIssue({ code: "custom", path: key in c ? [key] : [], message: `channel "${c.id}": ${err.message}` });
    }
  });

export type AlipayF2fChannel = z.infer<typeof alipayF2fChannelSchema>;
