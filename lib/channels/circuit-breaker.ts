import { processSingleton } from "@/lib/process-state";

/** One open or close of a channel's breaker, for the channels page ("opened 02:24:48 · closed 02:25:48"). */
export interface BreakerEvent {
  kind: "open" | "close";
  at: number;
}

/** What the breaker knows about a channel, for the console and the alerts. */
export interface BreakerState {
  open: boolean;
  /** Consecutive failures since the last success. */
  failures: number;
  openUntil: number | null;
  /** The provider's last answer that counted as a failure (`PAYJS：无法连接（ECONNREFUSED）`), and when; kept after a success. */
  lastError: string | null;
  lastErrorAt: number | null;
  /** The last few opens and closes, oldest first. */
  history: BreakerEvent[];
}

/** How many opens/closes a channel keeps: enough for "it flaps", small enough to stay in memory per process. */
const HISTORY = 10;

interface ChannelRecord {
  count: number;
  openUntil: number;
  /** The open this record is in (a close is noted when the next success or the cool-down ends it). */
  openedAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  history: BreakerEvent[];
}

/**
 * A small per-process circuit breaker per channel: after `threshold` consecutive upstream failures a channel is
 * skipped by selection for `cooldownMs`, so the merchant's other channels take over; one success closes it again.
 * Per process is enough: each instance learns about a failing provider from its own calls within a few orders.
 * It also keeps the last upstream error and the recent opens/closes, so the operator sees *why* (issue 20).
 */
export class CircuitBreaker {
  private readonly channels = new Map<string, ChannelRecord>();

  constructor(
    private readonly threshold = 3,
    private readonly cooldownMs = 60_000,
  ) {}

  private record(channelId: string): ChannelRecord {
    let r = this.channels.get(channelId);
    if (!r) {
      r = { count: 0, openUntil: 0, openedAt: null, lastError: null, lastErrorAt: null, history: [] };
      this.channels.set(channelId, r);
    }
    return r;
  }

  private note(r: ChannelRecord, event: BreakerEvent): void {
    r.history.push(event);
    if (r.history.length > HISTORY) r.history.splice(0, r.history.length - HISTORY);
  }

  /** A cool-down that ran out closes the open in the history (at its end), before anything else is judged. */
  private settle(r: ChannelRecord, now: number): void {
    if (r.openedAt !== null && now >= r.openUntil) {
      this.note(r, { kind: "close", at: r.openUntil });
      r.openedAt = null;
    }
  }

  isOpen(channelId: string, now: number): boolean {
    const r = this.channels.get(channelId);
    return r !== undefined && r.count >= this.threshold && now < r.openUntil;
  }

  recordFailure(channelId: string, now: number, error?: string): void {
    const r = this.record(channelId);
    this.settle(r, now);
    r.count += 1;
    if (error !== undefined) {
      r.lastError = error;
      r.lastErrorAt = now;
    }
    if (r.count >= this.threshold) {
      if (r.openedAt === null) {
        r.openedAt = now;
        this.note(r, { kind: "open", at: now });
      }
      r.openUntil = now + this.cooldownMs;
    }
  }

  state(channelId: string, now: number): BreakerState {
    const r = this.channels.get(channelId);
    if (!r) return { open: false, failures: 0, openUntil: null, lastError: null, lastErrorAt: null, history: [] };
    this.settle(r, now);
    const open = this.isOpen(channelId, now);
    return {
      open,
      failures: r.count,
      openUntil: open ? r.openUntil : null,
      lastError: r.lastError,
      lastErrorAt: r.lastErrorAt,
      history: [...r.history],
    };
  }

  /** When the channel last failed upstream (for `rest_minutes_after_error`), null if never in this process. */
  lastErrorAt(channelId: string): number | null {
    return this.channels.get(channelId)?.lastErrorAt ?? null;
  }

  recordSuccess(channelId: string, now?: number): void {
    const r = this.channels.get(channelId);
    if (!r) return;
    if (r.openedAt !== null) {
      const at = now ?? Date.now();
      // Closed by the success unless the cool-down had already ended it.
      this.note(r, { kind: "close", at: Math.min(at, r.openUntil) });
      r.openedAt = null;
    }
    r.count = 0;
    r.openUntil = 0;
  }
}

export function channelBreaker(): CircuitBreaker {
  return processSingleton("breaker", () => new CircuitBreaker());
}
