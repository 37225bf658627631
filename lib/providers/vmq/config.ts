import { z } from "zod";
import { parseYuan } from "@/lib/money";
import { channelBaseSchema } from "@/lib/providers/channel-base-schema";

/** The wallets V免签's monitor app reports (its `type` 1 = WeChat, 2 = Alipay). */
export const VMQ_WALLETS = ["wxpay", "alipay"] as const;
export type VmqWallet = (typeof VMQ_WALLETS)[number];

const yuan = z.string().refine((v) => (parseYuan(v) ?? 0) > 0, 'must be a yuan amount like "10.00"');

/** A fixed-amount receiving code: when an order's amount to pay equals `price`, the payer scans it and types nothing. */
const fixedCodeSchema = z
  .object({ type: z.enum(VMQ_WALLETS), price: yuan, content: z.string().min(1).max(1024) })
  .strict();

/**
 * A V免签 monitor-app channel (docs/providers/vmq.md): the merchant's own receiving codes, a phone app that reports every
 * payment's wallet and amount, and Paydesk giving each order an amount no other open order of that wallet holds.
 */
export const vmqChannelSchema = channelBaseSchema
  .extend({
    provider: z.literal("vmq"),
    /** The communication key entered in the monitor app: it signs every heartbeat and push. */
    key: z.string().min(1).max(128),
    /** Per wallet, the content of the merchant's free-amount receiving code (`wxp://…`, `https://qr.alipay.com/…`). */
    codes: z.partialRecord(z.enum(VMQ_WALLETS), z.string().min(1).max(1024)),
    fixed_codes: z.array(fixedCodeSchema).default([]),
    /** Whether a taken amount moves up (price + k fen) or down (price − k fen) to find a free one. */
    offset: z.enum(["up", "down"]).default("up"),
    /** How many amounts are tried per order: k = 0 … max_offsets − 1 fen away from the price. */
    max_offsets: z.number().int().min(1).max(100).default(10),
    /** A channel whose app has not called in for this long takes no new orders (it still credits pushes). */
    offline_after_seconds: z.number().int().min(10).max(3600).default(60),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const [i, type] of c.types.entries()) {
      if (type === "qqpay") {
        ctx.addIssue({
          code: "custom",
          path: ["types", i],
          message: "the V免签 app reports WeChat (wxpay) and Alipay (alipay) only",
        });
      } else if (!c.codes[type]) {
        ctx.addIssue({
          code: "custom",
          path: ["codes", type],
          message: `a vmq channel serving ${type} needs codes.${type} (the content of that wallet's free-amount receiving code)`,
        });
      }
    }
    c.fixed_codes.forEach((f, i) => {
      if (!(c.types as readonly string[]).includes(f.type)) {
        ctx.addIssue({
          code: "custom",
          path: ["fixed_codes", i, "type"],
          message: `the channel does not serve ${f.type}`,
        });
      }
    });
  });

export type VmqChannel = z.infer<typeof vmqChannelSchema>;
