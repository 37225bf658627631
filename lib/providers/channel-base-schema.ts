import { z } from "zod";
import { parseYuan } from "@/lib/money";
import { PAY_TYPES } from "@/lib/pay-types";

const yuan = z.string().refine((v) => parseYuan(v) !== null, 'must be a yuan amount like "10.00"');
const hourRange = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'must look like "08:00-23:30"');

/**
 * Collection rules restricting when a channel's code may be shown (docs/protocols/cloudpay.md#collection-rules). Hours
 * are Asia/Shanghai.
 */
export const channelRulesSchema = z
  .object({
    min_price: yuan.optional(),
    max_price: yuan.optional(),
    hours: z.array(hourRange).min(1).optional(),
  })
  .strict();

/** Keys every channel has, whatever its provider. */
export const channelBaseSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "must be 1–40 letters, digits, '-' or '_'"),
  types: z.array(z.enum(PAY_TYPES)).min(1),
  rules: channelRulesSchema.optional(),
  /** Upstream call timeout for this channel, in milliseconds. */
  timeout_ms: z.number().int().min(100).max(60_000).optional(),
});

export type ChannelRules = z.infer<typeof channelRulesSchema>;
