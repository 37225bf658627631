import "server-only";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { processSingleton } from "@/lib/process-state";

/**
 * Paydesk's Prometheus metrics: one registry and the named metrics every part of the app records into. Process-wide
 * (lib/process-state.ts) so a module loaded twice (Next bundles route handlers separately) counts into one registry.
 * Exposed by `GET /api/metrics` (lib/http/metrics-handler.ts), behind PAYDESK_METRICS_TOKEN.
 */
function build() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    ordersCreated: new Counter({
      name: "paydesk_orders_created_total",
      help: "Merchant create requests by answer code (100 = order created or returned idempotently).",
      labelNames: ["code"] as const,
      registers,
    }),
    payments: new Counter({
      name: "paydesk_payments_total",
      help: "Verified provider payments by outcome (applied, duplicate, mismatched, unmatched) and reason.",
      labelNames: ["outcome", "reason"] as const,
      registers,
    }),
    notificationAttempts: new Counter({
      name: "paydesk_notification_attempts_total",
      help: "Merchant notification delivery attempts by outcome (delivered, retry, failed).",
      labelNames: ["outcome"] as const,
      registers,
    }),
    notificationFailures: new Counter({
      name: "paydesk_notification_failures_total",
      help: "Failed merchant notification attempts by the notification doctor's class (lib/merchant-notify/doctor.ts).",
      labelNames: ["class"] as const,
      registers,
    }),
    notificationQueue: new Gauge({
      name: "paydesk_notification_queue_depth",
      help: "Merchant notifications not yet delivered and still being retried (read at scrape time).",
      registers,
    }),
    heldPolls: new Gauge({
      name: "paydesk_held_polls_open",
      help: "Held status polls currently open in this process.",
      registers,
    }),
    providerLatency: new Histogram({
      name: "paydesk_provider_request_duration_seconds",
      help: "Upstream provider call duration by channel and operation.",
      labelNames: ["channel", "operation"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers,
    }),
    providerErrors: new Counter({
      name: "paydesk_provider_errors_total",
      help: "Failed upstream provider calls by channel and operation.",
      labelNames: ["channel", "operation"] as const,
      registers,
    }),
    breakerOpen: new Gauge({
      name: "paydesk_circuit_breaker_open",
      help: "1 while a channel's circuit breaker skips it, else 0 (read at scrape time).",
      labelNames: ["channel"] as const,
      registers,
    }),
    monitorOnline: new Gauge({
      name: "paydesk_channel_monitor_online",
      help: "1 while a monitor-run channel's monitor (V免签 heartbeat, 三网 codes and pushes) is online, else 0.",
      labelNames: ["channel"] as const,
      registers,
    }),
    /** Not Prometheus: upstream calls per channel on the current Beijing day, for the channels page. */
    upstreamDays: new Map<string, UpstreamDay>(),
  };
}

export type PaydeskMetrics = ReturnType<typeof build>;

export function metrics(): PaydeskMetrics {
  return processSingleton("metrics", build);
}

export function recordOrderCreate(code: number): void {
  metrics().ordersCreated.inc({ code: String(code) });
}

export function recordPayment(outcome: string, reason = ""): void {
  metrics().payments.inc({ outcome, reason });
}

export function recordNotificationAttempt(outcome: string): void {
  metrics().notificationAttempts.inc({ outcome });
}

/** One failed notification attempt, by the doctor's class (dns, timeout, waf_challenge, bad_ack, …). */
export function recordNotificationFailure(doctorClass: string): void {
  metrics().notificationFailures.inc({ class: doctorClass });
}

/** For the held-poll code (events): the number of polls this process holds open right now. */
export function setHeldPollsOpen(n: number): void {
  metrics().heldPolls.set(n);
}

export function observeProviderCall(channel: string, operation: string, seconds: number, ok: boolean): void {
  const m = metrics();
  m.providerLatency.observe({ channel, operation }, seconds);
  if (!ok) m.providerErrors.inc({ channel, operation });
  recordUpstreamCall(channel, ok);
}

/** One monitor-run channel's monitor online (1) or not (0), set by whoever judged it (lib/console/channel-health.ts). */
export function setMonitorOnline(channel: string, online: boolean): void {
  metrics().monitorOnline.set({ channel }, online ? 1 : 0);
}

/** Upstream calls per channel on one Beijing day, in this process (the channels page's "today": counters never reset). */
interface UpstreamDay {
  day: number;
  ok: number;
  failed: number;
}

const beijingDay = (at: number) => Math.floor((at + 8 * 3_600_000) / 86_400_000);

export function recordUpstreamCall(channel: string, ok: boolean, now = Date.now()): void {
  const days = metrics().upstreamDays;
  const day = beijingDay(now);
  const cur = days.get(channel);
  const d = cur && cur.day === day ? cur : { day, ok: 0, failed: 0 };
  if (ok) d.ok += 1;
  else d.failed += 1;
  days.set(channel, d);
}

/** This process's upstream calls of a channel today (Beijing): successes and failures. */
export function upstreamToday(channel: string, now = Date.now()): { ok: number; failed: number } {
  const d = metrics().upstreamDays.get(channel);
  return d && d.day === beijingDay(now) ? { ok: d.ok, failed: d.failed } : { ok: 0, failed: 0 };
}
