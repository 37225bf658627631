import "server-only";
import { z } from "zod";
import type { AppContext } from "@/lib/context";
import { PAY_TYPES } from "@/lib/pay-types";
import { DAY_MS, shanghaiDateStart } from "@/lib/time/beijing-day";
import type { OrderSearch } from "@/lib/storage/console-order-search";
import type { Order } from "@/lib/storage/records";
import type { ConsoleScope } from "./console-scope";

export const PAGE_SIZE = 25;

const blankToUndefined = (v: unknown) =>
  typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v;
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.optional());
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The orders page's query string; anything invalid is dropped rather than answered with an error page. */
export const orderSearchSchema = z.object({
  order_id: opt(z.string().max(64)),
  out_order_id: opt(z.string().max(128)),
  status: opt(z.enum(["pending", "paid", "expired", "closed"])),
  type: opt(z.enum(PAY_TYPES)),
  channel: opt(z.string().max(64)),
  merchant: opt(z.string().max(64)),
  from: opt(date),
  to: opt(date),
  page: opt(z.coerce.number().int().min(1).max(10_000)),
});
export type OrderSearchParams = z.infer<typeof orderSearchSchema>;

/** Parses the query, keeping every valid field even when another one is invalid. */
export function parseOrderSearch(query: Record<string, string | string[] | undefined>): OrderSearchParams {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(orderSearchSchema.shape)) {
    const raw = query[key];
    const parsed = field.safeParse(Array.isArray(raw) ? raw[0] : raw);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as OrderSearchParams;
}

export interface OrderSearchPage {
  rows: Order[];
  total: number;
  page: number;
  pages: number;
}

/** One page of the operator's orders matching the search (only their merchants', whatever the query asks). */
export async function findConsoleOrders(
  ctx: AppContext,
  scope: ConsoleScope,
  p: OrderSearchParams,
): Promise<OrderSearchPage> {
  const page = p.page ?? 1;
  const { rows, total } = await ctx.repos.consoleQueries.searchOrders(orderSearchFilter(scope, p, ctx.now()), {
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** The search for `p` within the operator's merchants, `from`/`to` as whole Beijing days (also the CSV export's). */
export function orderSearchFilter(scope: ConsoleScope, p: OrderSearchParams, now: number): OrderSearch {
  return {
    appkeys: scope.appkeys,
    orderId: p.order_id,
    outOrderId: p.out_order_id,
    status: p.status,
    type: p.type,
    channelId: p.channel,
    appkey: p.merchant,
    createdFrom: p.from ? shanghaiDateStart(p.from) : undefined,
    createdBefore: p.to ? shanghaiDateStart(p.to) + DAY_MS : undefined,
    now,
  };
}

/** The query string for another page of the same search. */
export function searchHref(p: OrderSearchParams, page: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && k !== "page") q.set(k, String(v));
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return `/console/orders${s ? `?${s}` : ""}`;
}
