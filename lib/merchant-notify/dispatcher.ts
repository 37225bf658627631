import "server-only";
import type { Logger } from "pino";
import type { EventBus } from "@/lib/events/event-bus";
import type { Notification } from "@/lib/storage/records";
import type { NotificationsRepository } from "@/lib/storage/repositories";
import { MAX_ATTEMPTS, nextAttemptAfter } from "./schedule";
import { recordNotificationAttempt, recordNotificationFailure } from "@/lib/metrics";
import { doctorCode } from "./doctor";
import { sendAttempt } from "./send-attempt";
import type { UrlGuardPolicy } from "@/lib/net/url-guard";
import { notificationToSend } from "@/lib/merchant-api/registry";

export interface DispatcherOptions {
  /** This instance's name in lease_owner; unique per process. */
  owner: string;
  /** Time source for schedules and leases (tests inject one; the HTTP timeout itself is real time). */
  now: () => number;
  /** Which hosts a notification may reach besides public addresses (the SSRF guard's policy for its merchant). */
  urlPolicy: (n: Notification) => UrlGuardPolicy | Promise<UrlGuardPolicy>;
  /** How long the merchant has to answer one attempt. */
  timeoutMs: number;
  /** Rows claimed per pass. */
  batch?: number;
  log: Logger;
  /** Where each attempt's result is announced (the payer's page goes back to the shop on `delivered`). */
  events?: EventBus;
}

/** The lease outlives the HTTP timeout, so a live holder never loses its claim mid-request. */
export function leaseMs(timeoutMs: number): number {
  return timeoutMs + 30_000;
}

/** Delivers one claimed notification, records the attempt and announces its result. */
export async function deliver(
  outbox: Pick<NotificationsRepository, "finishAttempt">,
  n: Notification,
  opts: DispatcherOptions,
): Promise<void> {
  const started = opts.now();
  const wallStart = Date.now();
  // The protocol may re-sign the stored message for this second (V2's timestamp); the others send it as stored.
  const message = notificationToSend(n, started);
  const result = await sendAttempt(message, { timeoutMs: opts.timeoutMs, policy: await opts.urlPolicy(n) });
  const finished = opts.now();
  const attemptNo = n.attempts + 1;
  const retryAt = result.delivered ? null : nextAttemptAfter(attemptNo, finished);
  const status = result.delivered ? "delivered" : retryAt === null || attemptNo >= MAX_ATTEMPTS ? "failed" : "pending";
  const kept = await outbox.finishAttempt(n.id, opts.owner, finished, {
    attempt: {
      started_at: started,
      duration_ms: Date.now() - wallStart,
      http_status: result.httpStatus,
      response_body: result.body,
      error: result.error,
      outcome: status === "pending" ? "retry" : status,
      doctor_class: result.diagnosis ? doctorCode(result.diagnosis) : null,
    },
    next: { status, nextAttemptAt: retryAt ?? finished },
  });
  if (kept) await opts.events?.publish({ type: "delivery.result", orderId: n.order_id, status });
  recordNotificationAttempt(status === "pending" ? "retry" : status);
  if (result.diagnosis) recordNotificationFailure(result.diagnosis.class);
  opts.log[result.delivered ? "info" : "warn"](
    { orderId: n.order_id, attempt: attemptNo, status, httpStatus: result.httpStatus, error: result.error, kept },
    "merchant notification attempt",
  );
}

/**
 * One pass: claim what is due (each row by a conditional UPDATE, so concurrent instances split the work and never
 * send the same attempt twice) and deliver it. Returns how many deliveries this instance attempted.
 */
export async function dispatchDue(outbox: NotificationsRepository, opts: DispatcherOptions): Promise<number> {
  const now = opts.now();
  const ids = await outbox.dueNotificationIds(now, opts.batch ?? 20);
  const claimed = await outbox.claimNotifications(ids, opts.owner, now, leaseMs(opts.timeoutMs));
  await Promise.all(claimed.map((n) => deliver(outbox, n, opts)));
  return claimed.length;
}
