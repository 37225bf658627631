import "server-only";
import type { Db } from "./database";

/**
 * The operator's scope and the order search, shared by the console's reads (console-queries-repo.ts) and its CSV
 * export (console-export-repo.ts). Not a repository module: repositories.ts binds every export of those to a Db.
 */
export type Appkeys = readonly string[] | null;

// `IN ()` is not valid SQL: an empty scope becomes "", which no appkey or channel id can be (both need a character).
export const keysOf = (a: readonly string[]) => (a.length ? [...a] : [""]);

export interface OrderSearch {
  appkeys: Appkeys;
  orderId?: string;
  outOrderId?: string;
  /** Public status: `pending` and `expired` are judged by the clock, as the payer sees them. */
  status?: "pending" | "paid" | "expired" | "closed";
  type?: string;
  channelId?: string;
  appkey?: string;
  createdFrom?: number;
  createdBefore?: number;
  now: number;
}

/** The orders matching a search, as a query to page or count (the orders page and the CSV export share it). */
export function matchingOrders(db: Db, s: OrderSearch) {
  let q = db.selectFrom("orders").where("status", "!=", "creating");
  if (s.appkeys !== null) q = q.where("appkey", "in", keysOf(s.appkeys));
  if (s.orderId) q = q.where("id", "=", s.orderId);
  if (s.outOrderId) q = q.where("out_order_id", "=", s.outOrderId);
  if (s.type) q = q.where("type", "=", s.type);
  if (s.channelId) q = q.where("channel_id", "=", s.channelId);
  if (s.appkey) q = q.where("appkey", "=", s.appkey);
  if (s.createdFrom !== undefined) q = q.where("created_at", ">=", s.createdFrom);
  if (s.createdBefore !== undefined) q = q.where("created_at", "<", s.createdBefore);
  if (s.status === "pending") q = q.where("status", "=", "pending").where("expires_at", ">", s.now);
  else if (s.status === "expired") {
    q = q.where((eb) =>
      eb.or([eb("status", "=", "expired"), eb.and([eb("status", "=", "pending"), eb("expires_at", "<=", s.now)])]),
    );
  } else if (s.status) q = q.where("status", "=", s.status);
  return q;
}
