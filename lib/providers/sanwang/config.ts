import { z } from "zod";
import { channelBaseSchema } from "@/lib/providers/channel-base-schema";

/**
 * The software's Alipay QR form (docs/providers/sanwang.md#configuration); `{uid}`, `{amount}` (yuan) and `{desc}` (our
 * memo) are filled in URL-encoded.
 */
export const DEFAULT_ALIPAY_QR_TEMPLATE = "http://pay.oksvn.com/alipayqr.aspx?uid={uid}&amount={amount}&desc={desc}";

/**
 * A 三网 monitor-software channel (docs/providers/sanwang.md). Alipay codes are built locally from `alipay_qr_template`;
 * WeChat and QQ codes come from the monitor program's HTTP port (`monitor_url`, 8080 for WeChat and 8081 for QQ by
 * default), which is why one channel can serve WeChat or QQ but not both.
 */
export const sanwangChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("sanwang"),
    /** The key configured in the software: sent when asking for a code, and carried by every notify. */
    key: z.string().min(1),
    /** The "返回标志": an ack body containing it stops the software from re-pushing a notify. */
    return_flag: z.string().min(1).max(32).default("#"),
    /** The Alipay account's uid, as the software's log shows it after login. */
    alipay_uid: z.string().min(1).max(64).optional(),
    alipay_qr_template: z
      .string()
      .refine((t) => t.includes("{amount}") && t.includes("{desc}"), "must contain {amount} and {desc}")
      .refine((t) => /^https?:\/\//.test(t), "must be an http(s) URL template")
      .default(DEFAULT_ALIPAY_QR_TEMPLATE),
    /** The monitor's code endpoint for WeChat or QQ, e.g. `http://10.0.0.5:8080/`. */
    monitor_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const wallets = c.types.filter((t) => t === "wxpay" || t === "qqpay");
    if (wallets.length > 0 && !c.monitor_url) {
      ctx.addIssue({
        code: "custom",
        path: ["monitor_url"],
        message: `a sanwang channel serving ${wallets.join(" and ")} needs monitor_url (the monitor's code endpoint, e.g. http://host:8080/)`,
      });
    }
    if (wallets.length > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["types"],
        message: "WeChat and QQ run as separate monitor programs on separate ports: use one sanwang channel for each",
      });
    }
    if (c.types.includes("alipay") && !c.alipay_uid) {
      ctx.addIssue({
        code: "custom",
        path: ["alipay_uid"],
        message:
          "a sanwang channel serving alipay needs alipay_uid (shown in the software's log after the Alipay login)",
      });
    }
  });

export type SanwangChannel = z.infer<typeof sanwangChannelSchema>;
