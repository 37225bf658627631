import "server-only";
import { pipeline, Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { z } from "zod";
import type { AppContext } from "@/lib/context";
import type { Locale } from "@/lib/i18n/locale";
import type { TimeCursor } from "@/lib/storage/console-export-repo";
import { DAY_MS, shanghaiDateStart } from "@/lib/time/beijing-day";
import {
  auditColumns,
  exportWords,
  orderColumns,
  paymentColumns,
  refundColumns,
  type Column,
} from "./csv-export-columns";
import { consoleMessages, formatBeijing } from "./console-locale";
import { channelIdsInScope, type ConsoleScope } from "./console-scope";
import { orderSearchFilter, parseOrderSearch } from "./order-search";

export { exportWords, type ExportWords } from "./csv-export-columns";

/**
 * The console's CSV export (GET /console/export/{kind}.csv, lib/http/console-export-routes.ts): the rows a page
 * shows, with the page's filters, streamed. Rows come one keyset page at a time (lib/storage/console-export-repo.ts),
 * and the next page is read only when the client has taken the previous one (the web stream's pull, through the
 * csv-stringify transform's backpressure), so memory stays at one page whatever the table's size.
 */
export const EXPORT_KINDS = ["orders", "payments", "refunds", "audit"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** Rows per repository page: big enough that a page's round trip is small beside its rows, small in memory. */
export const EXPORT_PAGE_ROWS = 500;

// --- The filters on screen, per export (anything invalid is dropped, as on the pages) ---

const blankToUndefined = (v: unknown) => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim()) : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.optional());
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const range = { from: opt(date), to: opt(date) };

const paymentSearchSchema = z.object({
  channel: opt(z.string().max(64)),
  merchant: opt(z.string().max(64)),
  status: opt(z.enum(["applied", "mismatched", "unmatched", "dismissed"])),
  ...range,
});
const refundSearchSchema = z.object({
  order_id: opt(z.string().max(64)),
  status: opt(z.enum(["requested", "succeeded", "failed", "recorded"])),
  channel: opt(z.string().max(64)),
  merchant: opt(z.string().max(64)),
  ...range,
});
const auditSearchSchema = z.object(range);

/** Each field of `shape` parsed alone, so one invalid field does not drop the others. */
function parseFields<S extends z.ZodRawShape>(shape: S, query: URLSearchParams): z.infer<z.ZodObject<S>> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape) as [string, z.ZodType][]) {
    const parsed = field.safeParse(query.get(key) ?? undefined);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as z.infer<z.ZodObject<S>>;
}

const dayStart = (d: string | undefined) => (d ? shanghaiDateStart(d) : undefined);
const dayEnd = (d: string | undefined) => (d ? shanghaiDateStart(d) + DAY_MS : undefined);

/** The merchant the query asks for, if any: the edge refuses one outside the operator's scope. */
export function requestedMerchant(query: URLSearchParams): string | undefined {
  const m = query.get("merchant")?.trim();
  return m ? m : undefined;
}

// --- Rows, one keyset page at a time ---

/** Every row `load` gives, page after page: the next page starts after the last row of the one before. */
async function* keyset<R, C>(load: (after: C | null) => Promise<R[]>, cursorOf: (last: R) => C): AsyncGenerator<R> {
  let after: C | null = null;
  for (;;) {
    const rows = await load(after);
    yield* rows;
    const last = rows.at(-1);
    if (rows.length < EXPORT_PAGE_ROWS || last === undefined) return;
    after = cursorOf(last);
  }
}

/** The header, then each row as the columns render it. */
async function* records<R>(columns: Column<R>[], rows: AsyncIterable<R>): AsyncGenerator<string[]> {
  yield columns.map((c) => c.header);
  for await (const row of rows) yield columns.map((c) => c.value(row));
}

function exportRecords(
  ctx: AppContext,
  scope: ConsoleScope,
  kind: ExportKind,
  query: URLSearchParams,
  locale: Locale,
): AsyncGenerator<string[]> {
  const m = consoleMessages(locale);
  const w = exportWords(locale);
  const repo = ctx.repos.consoleExport;
  const n = EXPORT_PAGE_ROWS;
  switch (kind) {
    case "orders": {
      const p = parseOrderSearch(Object.fromEntries(query));
      // One clock reading for the whole export: a pending order does not turn expired halfway through the file.
      const now = ctx.now();
      const filter = orderSearchFilter(scope, p, now);
      const rows = keyset(
        (after: TimeCursor | null) => repo.exportOrdersPage(filter, after, n),
        (o) => ({ at: o.created_at, id: o.id }),
      );
      return records(orderColumns(m, w, now), rows);
    }
    case "payments": {
      const p = parseFields(paymentSearchSchema.shape, query);
      const filter = {
        appkeys: scope.appkeys,
        channelIds: channelIdsInScope(scope),
        channelId: p.channel,
        appkey: p.merchant,
        status: p.status,
        receivedFrom: dayStart(p.from),
        receivedBefore: dayEnd(p.to),
      };
      const rows = keyset(
        (after: number | null) => repo.exportPaymentsPage(filter, after, n),
        (r) => r.id,
      );
      return records(paymentColumns(m, w), rows);
    }
    case "refunds": {
      const p = parseFields(refundSearchSchema.shape, query);
      const filter = {
        appkeys: scope.appkeys,
        orderId: p.order_id,
        status: p.status,
        channelId: p.channel,
        appkey: p.merchant,
        createdFrom: dayStart(p.from),
        createdBefore: dayEnd(p.to),
      };
      const rows = keyset(
        (after: number | null) => repo.exportRefundsPage(filter, after, n),
        (r) => r.id,
      );
      return records(refundColumns(m, w), rows);
    }
    case "audit": {
      const p = parseFields(auditSearchSchema.shape, query);
      const filter = { appkeys: scope.appkeys, userName: scope.userName, from: dayStart(p.from), before: dayEnd(p.to) };
      const rows = keyset(
        (after: number | null) => repo.exportAuditPage(filter, after, n),
        (a) => Number(a.id),
      );
      return records(auditColumns(m), rows);
    }
  }
}

/**
 * Records as CSV bytes: UTF-8 with a BOM (Excel then reads Chinese as UTF-8), CRLF line ends, and csv-stringify's
 * `escape_formulas` (a cell starting with = + - @ tab or CR is prefixed with ', so a spreadsheet never runs a shop's
 * or a payer's text as a formula). The web stream pulls from the transform, which pulls from the rows: nothing is
 * read ahead of the client beyond the streams' small buffers. Cancelling (the client went away) stops the reads.
 */
export function csvStream(rows: AsyncIterable<string[]>): ReadableStream<Uint8Array> {
  const csv = stringify({ bom: true, escape_formulas: true, record_delimiter: "windows" });
  // pipeline destroys both ends on an error either side; the error then surfaces in the iterator below.
  pipeline(Readable.from(rows), csv, () => undefined);
  const chunks: AsyncIterator<unknown> = csv[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    // The transform gives one small chunk per record: ~64 KB go out together, so the client is not handed 100,000
    // tiny chunks (each one a round through the web stream's machinery).
    async pull(controller) {
      const parts: Uint8Array[] = [];
      let size = 0;
      while (size < 64 * 1024) {
        const next = await chunks.next();
        if (next.done) break;
        const part = next.value instanceof Uint8Array ? next.value : encoder.encode(String(next.value));
        parts.push(part);
        size += part.byteLength;
      }
      if (size > 0) controller.enqueue(Buffer.concat(parts, size));
      if (size < 64 * 1024) controller.close();
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

/** The CSV body of one export for this operator: their merchants only, with the filters in `query`. */
export function exportCsv(
  ctx: AppContext,
  scope: ConsoleScope,
  kind: ExportKind,
  query: URLSearchParams,
  locale: Locale,
): ReadableStream<Uint8Array> {
  return csvStream(exportRecords(ctx, scope, kind, query, locale));
}

/** `paydesk-orders-2026-12-08.csv`: the kind and the Beijing date of the export. */
export function exportFilename(kind: ExportKind, now: number): string {
  return `paydesk-${kind}-${formatBeijing(now).slice(0, 10)}.csv`;
}

/** The export link for a page: the same filters as the page (its own page number left out). */
export function exportHref(kind: ExportKind, filters: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && k !== "page") q.set(k, String(v));
  const s = q.toString();
  return `/console/export/${kind}.csv${s ? `?${s}` : ""}`;
}
