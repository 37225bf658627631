import "server-only";
import type { Logger } from "pino";
import type { EventBus } from "@/lib/events/event-bus";
import type { Db } from "@/lib/storage/database";
import {
  claimNotification,
  dueNotificationIds,
  finishAttempt,
  type NotificationRow,
} from "@/lib/storage/notifications-repo";
import { MAX_ATTEMPTS, nextAttemptAfter } from "./schedule";

export interface DispatcherOptions {
  /** This instance's name in lease_owner; unique per process. */
  owner: string;
  /** Time source for schedules and leases (tests inject one; the HTTP timeout itself is real time). */
  now: () => number;
  fetch: typeof fetch;
  /** How long the merchant has to answer one attempt. */
  timeoutMs: number;
  /** Rows claimed per pass. */
  batch?: number;
  log: Logger;
  /** Where each attempt's result is announced (the payer's page goes back to the shop on `delivered`). */
  events?: EventBus;
}

/** The most of a shop's answer that is read (and logged): `success` is 7 bytes, a shop's error page can be megabytes. */
const BODY_LOG_LIMIT = 1024;

/** Reads at most `limit` bytes of the body, then drops the connection's rest. */
async function readCapped(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

/** The lease outlives the HTTP timeout, so a live holder never loses its claim mid-request. */
export function leaseMs(timeoutMs: number): number {
  return timeoutMs + 30_000;
}

interface AttemptOutcome {
  delivered: boolean;
  httpStatus: number | null;
  body: string | null;
  error: string | null;
}

/** One form POST to the merchant; delivered only when the body, trimmed, is `success` (PROTOCOLS §1.2). */
async function post(n: NotificationRow, opts: DispatcherOptions): Promise<AttemptOutcome> {
  try {
    const res = await opts.fetch(n.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "User-Agent": "Paydesk-Notify/1" },
      body: n.body,
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await readCapped(res, BODY_LOG_LIMIT);
    return {
      delivered: res.status < 300 && text.trim().toLowerCase() === "success",
      httpStatus: res.status,
      body: text,
      error: null,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error = e.name === "TimeoutError" ? `timeout after ${opts.timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { delivered: false, httpStatus: null, body: null, error };
  }
}

/** Delivers one claimed notification, records the attempt and announces its result. */
export async function deliver(db: Db, n: NotificationRow, opts: DispatcherOptions): Promise<void> {
  const started = opts.now();
  const wallStart = Date.now();
  const result = await post(n, opts);
  const finished = opts.now();
  const attemptNo = n.attempts + 1;
  const retryAt = result.delivered ? null : nextAttemptAfter(attemptNo, finished);
  const status = result.delivered ? "delivered" : retryAt === null || attemptNo >= MAX_ATTEMPTS ? "failed" : "pending";
  const kept = await finishAttempt(db, n.id, opts.owner, finished, {
    attempt: {
      started_at: started,
      duration_ms: Date.now() - wallStart,
      http_status: result.httpStatus,
      response_body: result.body,
      error: result.error,
      outcome: status === "pending" ? "retry" : status,
    },
    next: { status, nextAttemptAt: retryAt ?? finished },
  });
  if (kept) await opts.events?.publish({ type: "delivery.result", orderId: n.order_id, status });
  opts.log[result.delivered ? "info" : "warn"](
    { orderId: n.order_id, attempt: attemptNo, status, httpStatus: result.httpStatus, error: result.error, kept },
    "merchant notification attempt",
  );
}

/**
 * One pass: claim what is due (each row by a conditional UPDATE, so concurrent instances split the work and never
 * send the same attempt twice) and deliver it. Returns how many deliveries this instance attempted.
 */
export async function dispatchDue(db: Db, opts: DispatcherOptions): Promise<number> {
  const now = opts.now();
  const ids = await dueNotificationIds(db, now, opts.batch ?? 20);
  const claimed: NotificationRow[] = [];
  for (const id of ids) {
    const row = await claimNotification(db, id, opts.owner, now, leaseMs(opts.timeoutMs));
    if (row) claimed.push(row);
  }
  await Promise.all(claimed.map((n) => deliver(db, n, opts)));
  return claimed.length;
}
