import { PAY_TYPES } from "@/lib/pay-types";
import * as w from "@/lib/wire-shape";

/**
 * What the payer's browser may see of an order (`sign=nosign` queries, the cashier's recheck): nothing secret, no
 * merchant references. A shape, not only a type, because the browser parses what it receives with it
 * (lib/wire-shape.ts: zod's API at a fraction of its weight in the page). No server-only: client code imports it.
 */
export const PUBLIC_STATUSES = ["pending", "paid", "expired", "closed"] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

export const publicOrderViewSchema = w.object({
  order_id: w.string(),
  status: w.enumOf(PUBLIC_STATUSES),
  price: w.string(),
  pay_amount: w.string(),
  /** null while the payer has not chosen a wallet (an epay order without `type`). */
  type: w.nullable(w.enumOf(PAY_TYPES)),
  expires_in: w.number(),
  return_url: w.optional(w.string()),
  /**
   * Paid, the shop has acknowledged (or had its 10 s), and there is no page to go back to (an epay order without
   * `return_url`): nothing more will change, the page says so and stops asking.
   */
  settled: w.optional(w.literal(true)),
});

export type PublicOrderView = w.Infer<typeof publicOrderViewSchema>;
