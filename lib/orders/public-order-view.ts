import * as z from "zod/mini";
import { PAY_TYPES } from "@/lib/pay-types";

/**
 * What the payer's browser may see of an order (`sign=nosign` queries, the cashier's recheck): nothing secret, no
 * merchant references. A zod schema, not only a type, because the browser parses what it receives with it; zod/mini
 * keeps that cheap in the page's bundle. No server-only here: client code imports it.
 */
export const PUBLIC_STATUSES = ["pending", "paid", "expired", "closed"] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

export const publicOrderViewSchema = z.object({
  order_id: z.string(),
  status: z.enum(PUBLIC_STATUSES),
  price: z.string(),
  pay_amount: z.string(),
  /** null while the payer has not chosen a wallet (an epay order without `type`). */
  type: z.nullable(z.enum(PAY_TYPES)),
  expires_in: z.number(),
  return_url: z.optional(z.string()),
  /**
   * Paid, the shop has acknowledged (or had its 10 s), and there is no page to go back to (an epay order without
   * `return_url`): nothing more will change, the page says so and stops asking.
   */
  settled: z.optional(z.literal(true)),
});

export type PublicOrderView = z.infer<typeof publicOrderViewSchema>;
