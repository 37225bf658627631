import "server-only";
import type { AlertDeliveryRecord, AlertRecord } from "@/lib/storage/alert-records";
import { onAlertQueued, type AlertCtx } from "./alerts";
import { alertSettings, severityAtLeast, type Severity, type SinkConfig } from "@/lib/config/alerts";
import { quietUntil } from "./quiet-hours";
import { sendToSink, type AlertMessage, type SinkDeps, type SinkResult } from "./sinks";
import { SlotPool } from "@/lib/slot-pool";

/**
 * The alert outbox's delivery loop: its own small pool of slots (never the shop-notification pool), kicked when an
 * alert is queued and by a timer. Each delivery is claimed with a lease, so several instances share the work and
 * never send one attempt twice. A sink that is down costs at most `perSink` slots for `timeoutMs` each and is
 * retried with backoff; the other sinks keep the rest.
 */

export interface DelivererOptions {
  /** This instance's name in lease_owner. */
  owner: string;
  /** Sends in flight at once in this process (all sinks). */
  slots?: number;
  /** Sends in flight at once to one sink. */
  perSink?: number;
  /** How long a sink has to answer one send. */
  timeoutMs?: number;
  /** The safety-net timer (an alert queued on another instance is found by it). */
  intervalMs?: number;
  /** The sender (tests may wrap it to count). */
  send?: (sink: SinkConfig, m: AlertMessage, deps: SinkDeps) => Promise<SinkResult>;
}

/** Waits between attempts (then given up: about a day of trying). */
export const ALERT_RETRY_MS = [10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];
export const ALERT_MAX_ATTEMPTS = 16;
const RATE_WINDOW_MS = 3_600_000;
/** A delivery held by its sink's rate limit is looked at again this much later. */
const RATE_RECHECK_MS = 60_000;

export function alertRetryDelay(attemptNo: number): number {
  return ALERT_RETRY_MS[Math.min(attemptNo - 1, ALERT_RETRY_MS.length - 1)] ?? 3_600_000;
}

export class AlertDeliverer {
  private readonly slots: SlotPool;
  private readonly timeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly ctx: AlertCtx,
    private readonly opts: DelivererOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.slots = new SlotPool({
      slots: opts.slots ?? 4,
      perKey: opts.perSink ?? 1,
      pass: () => this.pass(),
      onPassError: (err) => ctx.log.error({ err }, "alert delivery pass failed"),
      onRunError: (err, sink) => ctx.log.error({ err, sink }, "alert delivery failed"),
    });
  }

  /** Starts the timer and listens for queued alerts. */
  start(): this {
    this.unsubscribe = onAlertQueued(() => this.kick());
    const interval = this.opts.intervalMs ?? 2_000;
    const tick = () => {
      this.kick();
      if (!this.slots.stopped) this.timer = setTimeout(tick, interval);
    };
    this.timer = setTimeout(tick, 0);
    return this;
  }

  kick(): void {
    this.slots.kick();
  }

  get busy(): number {
    return this.slots.busy;
  }

  async stop(): Promise<void> {
    const drained = this.slots.stop();
    clearTimeout(this.timer);
    this.unsubscribe?.();
    await drained;
  }

  /** Waits until nothing is in flight and no pass runs (tests). */
  async idle(): Promise<void> {
    await this.slots.idle();
  }

  private async pass(): Promise<number> {
    const free = this.slots.free;
    if (free <= 0) return 0;
    const now = this.ctx.now();
    const due = await this.ctx.repos.alerts.dueAlertDeliveries(now, free * 4, this.slots.fullKeys());
    const picks = this.slots.pick(due, free, (d) => d.sink_id);
    const claimed = await this.ctx.repos.alerts.claimAlertDeliveries({
      ids: picks,
      now,
      owner: this.opts.owner,
      leaseMs: this.timeoutMs + 30_000,
    });
    for (const c of claimed) this.slots.start(c.delivery.sink_id, () => this.deliver(c.delivery, c.alert));
    return claimed.length;
  }

  private async finish(
    d: AlertDeliveryRecord,
    f: { status: AlertDeliveryRecord["status"]; nextAttemptAt: number; answer: string | null; counted: boolean },
  ): Promise<void> {
    await this.ctx.repos.alerts.finishAlertDelivery({ id: d.id, owner: this.opts.owner, now: this.ctx.now(), ...f });
  }

  private async deliver(d: AlertDeliveryRecord, a: AlertRecord): Promise<void> {
    const settings = alertSettings(this.ctx.config);
    const sink = settings.sinks.find((s) => s.id === d.sink_id);
    const now = this.ctx.now();
    if (!sink || !sink.enabled)
      return this.finish(d, {
        status: "failed",
        nextAttemptAt: now,
        answer: "sink not in the settings",
        counted: true,
      });
    // Quiet hours hold what is below their `allow` severity (a test is sent at once: the operator is looking).
    const quiet = a.kind === "test" ? null : quietUntil(now, settings.quiet_hours);
    if (quiet !== null && !severityAtLeast(a.severity as Severity, settings.quiet_hours?.allow ?? "critical"))
      return this.finish(d, { status: "pending", nextAttemptAt: quiet, answer: null, counted: false });
    const sent = await this.ctx.repos.alerts.countSinkDeliveredSince(sink.id, now - RATE_WINDOW_MS);
    if (sent >= sink.rate_per_hour)
      return this.finish(d, { status: "pending", nextAttemptAt: now + RATE_RECHECK_MS, answer: null, counted: false });
    const message: AlertMessage = {
      id: a.id,
      condition: a.condition,
      kind: a.kind,
      severity: a.severity,
      title: a.title,
      body: a.body,
      createdAt: a.created_at,
    };
    const result = await (this.opts.send ?? sendToSink)(sink, message, { now, timeoutMs: this.timeoutMs });
    const done = this.ctx.now();
    const attemptNo = d.attempts + 1;
    if (result.ok)
      return this.finish(d, { status: "delivered", nextAttemptAt: done, answer: result.answer, counted: true });
    const givenUp = attemptNo >= ALERT_MAX_ATTEMPTS;
    this.ctx.log.warn({ sink: sink.id, alert: a.id, attempt: attemptNo, answer: result.answer }, "alert not delivered");
    const wait = Math.max(alertRetryDelay(attemptNo), result.retryAfterMs ?? 0);
    return this.finish(d, {
      status: givenUp ? "failed" : "pending",
      nextAttemptAt: done + wait,
      answer: result.answer,
      counted: true,
    });
  }
}
