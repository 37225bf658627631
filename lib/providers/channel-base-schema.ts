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

/**
 * A channel's risk-control budget (docs/contract.md#channel-budgets): how much it may take in one Beijing day, the
 * largest single order, and when it rests. Personal receiving codes are limited or frozen by their platforms after
 * too many or too large payments, or after a run of unpaid scans, so the operator caps them here and selection skips
 * a channel at its budget or resting like an offline one.
 */
export const channelBudgetSchema = z
  .object({
    /** Orders the channel may be handed per Beijing day (paid or not; a create that failed upstream gives its back). */
    daily_orders: z.number().int("must be a whole number").min(1, "must be at least 1").optional(),
    /** Total order amount per Beijing day, in yuan. */
    daily_amount: yuan.optional(),
    /** The largest single order the channel takes, in yuan: a larger one goes to another channel. */
    max_single: yuan.optional(),
    /** After this many orders in a row expired unpaid, the channel rests. */
    rest_after_unpaid: z.number().int("must be a whole number").min(1, "must be at least 1").optional(),
    /** How long a rest lasts, in minutes. */
    rest_minutes: z.number().int("must be a whole number").min(1, "must be at least 1").max(10_080).default(30),
    /** A failed upstream create (unreachable, refused, no usable code) rests the channel too. */
    rest_on_provider_error: z.boolean().default(false),
  })
  .strict();

/** Keys every channel has, whatever its provider. */
export const channelBaseSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "must be 1–40 letters, digits, '-' or '_'"),
  types: z.array(z.enum(PAY_TYPES)).min(1),
  rules: channelRulesSchema.optional(),
  /** Upstream call timeout for this channel, in milliseconds. */
  timeout_ms: z.number().int().min(100).max(60_000).optional(),
  budget: channelBudgetSchema.optional(),
});

export type ChannelRules = z.infer<typeof channelRulesSchema>;
export type ChannelBudget = z.infer<typeof channelBudgetSchema>;
