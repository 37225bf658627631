import type { Generated } from "kysely";

/**
 * requested: asked of the provider, its answer not final yet (pending upstream, or the answer was lost) ·
 * succeeded: the provider paid it back · failed: the provider refused (the amount is free again) ·
 * recorded: an operator paid it back by hand on a channel that cannot refund by API, and noted it.
 */
export type RefundStatus = "requested" | "succeeded" | "failed" | "recorded";

/** The statuses whose amount is spent (or may be, while requested): their sum never exceeds what was paid. */
export const REFUND_HOLDING_STATUSES = [
  "requested",
  "succeeded",
  "recorded",
] as const satisfies readonly RefundStatus[];

/** One refund of a paid order (migration 014). */
export interface Refund {
  id: number;
  order_id: string;
  appkey: string;
  channel_id: string;
  /** The merchant's refund number (`out_refund_no`), or one Paydesk generated; unique per order. */
  refund_no: string;
  amount_fen: number;
  status: RefundStatus;
  /** Why the refund was asked (the merchant's or the operator's words); "" when none was given. */
  reason: string;
  /** The operator's note on a manual refund (how the money went back); "" otherwise. */
  note: string;
  /** Who asked: `console:<user>` or `api:<protocol>:<appkey>`. */
  actor: string;
  provider_refund_id: string | null;
  /** The provider's reason for a failed refund. */
  failure: string | null;
  created_at: number;
  updated_at: number;
}

export type RefundsTable = Omit<Refund, "id" | "status"> & { id: Generated<number>; status: string };

/** One refunded order's running totals (migration 014): the row every refund of the order reserves its amount on. */
export interface RefundTotalsTable {
  order_id: string;
  paid_fen: number;
  refunded_fen: number;
  updated_at: number;
}
