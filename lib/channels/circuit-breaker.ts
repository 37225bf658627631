import { processSingleton } from "@/lib/process-state";

/**
 * A small per-process circuit breaker per channel: after `threshold` consecutive upstream failures a channel is
 * skipped by selection for `cooldownMs`, so the merchant's other channels take over; one success closes it again.
 * Per process is enough: each instance learns about a failing provider from its own calls within a few orders.
 */
export class CircuitBreaker {
  private readonly failures = new Map<string, { count: number; openUntil: number }>();

  constructor(
    private readonly threshold = 3,
    private readonly cooldownMs = 60_000,
  ) {}

  isOpen(channelId: string, now: number): boolean {
    const f = this.failures.get(channelId);
    return f !== undefined && f.count >= this.threshold && now < f.openUntil;
  }

  recordFailure(channelId: string, now: number): void {
    const f = this.failures.get(channelId) ?? { count: 0, openUntil: 0 };
    f.count += 1;
    if (f.count >= this.threshold) f.openUntil = now + this.cooldownMs;
    this.failures.set(channelId, f);
  }

  /** What the breaker knows about a channel, for the console: open (skipped) until a time, or consecutive failures. */
  state(channelId: string, now: number): { open: boolean; failures: number; openUntil: number | null } {
    const f = this.failures.get(channelId);
    if (!f) return { open: false, failures: 0, openUntil: null };
    const open = this.isOpen(channelId, now);
    return { open, failures: f.count, openUntil: open ? f.openUntil : null };
  }

  recordSuccess(channelId: string): void {
    this.failures.delete(channelId);
  }
}

export function channelBreaker(): CircuitBreaker {
  return processSingleton("breaker", () => new CircuitBreaker());
}
