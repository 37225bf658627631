/**
 * Keeps a flood of one kind of log line (forged notifies) from filling the disk: per key, the first `perMinute`
 * events of each minute are logged, then one in `every`, each carrying how many were skipped since the last one.
 */
export class LogSampler {
  private windows = new Map<string, { start: number; seen: number; skipped: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly every: number,
  ) {}

  /** Null: do not log this one. Otherwise the number of events skipped before it (0 in the first part of a minute). */
  take(key: string, now: number): number | null {
    let w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear();
      w = { start: now, seen: 0, skipped: 0 };
      this.windows.set(key, w);
    }
    w.seen += 1;
    if (w.seen <= this.perMinute || (w.seen - this.perMinute) % this.every === 0) {
      const skipped = w.skipped;
      w.skipped = 0;
      return skipped;
    }
    w.skipped += 1;
    return null;
  }
}
