/**
 * A bounded pool of slots shared by the two delivery loops (lib/merchant-notify/delivery-pool.ts for shops,
 * lib/alerts/deliverer.ts for alert sinks): at most `slots` runs in flight, at most `perKey` of them for one key (a
 * shop, a sink), so one that hangs holds only its own share. Kicks are coalesced: a kick during a pass causes one
 * more pass, never a second pass at the same time. What is due and how it is claimed stays with the owner (`pass`).
 */
export interface SlotPoolOptions {
  /** Runs in flight at once in this process. */
  slots: number;
  /** Runs in flight at once for one key. */
  perKey: number;
  /** One claim pass: starts what is due with `start` and returns how many it started (0 ends the fill). */
  pass: () => Promise<number>;
  /** A pass threw (the next kick tries again). */
  onPassError: (err: unknown) => void;
  /** A run threw (its slot is freed all the same). */
  onRunError: (err: unknown, key: string) => void;
}

export class SlotPool {
  private readonly inFlightByKey = new Map<string, number>();
  private inFlight = 0;
  private filling = false;
  private again = false;
  private halted = false;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly opts: SlotPoolOptions) {}

  /** Something may be due: fill the free slots. */
  kick(): void {
    if (this.halted) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = true;
    void this.fill().finally(() => {
      this.filling = false;
    });
  }

  /** Runs in flight now. */
  get busy(): number {
    return this.inFlight;
  }

  get stopped(): boolean {
    return this.halted;
  }

  /** Slots free now. */
  get free(): number {
    return this.opts.slots - this.inFlight;
  }

  /** The keys that hold all their slots (the owner's query leaves them out). */
  fullKeys(): string[] {
    return [...this.inFlightByKey].filter(([, n]) => n >= this.opts.perKey).map(([key]) => key);
  }

  /** The ids of `due` that fit in `free` slots (counted before the owner's query) and the per-key limits, in order. */
  pick<T extends { id: number }>(due: readonly T[], free: number, keyOf: (item: T) => string): number[] {
    const perKey = new Map(this.inFlightByKey);
    const picks: number[] = [];
    for (const item of due) {
      if (picks.length >= free) break;
      const key = keyOf(item);
      const busy = perKey.get(key) ?? 0;
      if (busy >= this.opts.perKey) continue;
      perKey.set(key, busy + 1);
      picks.push(item.id);
    }
    return picks;
  }

  /** Stops claiming (synchronously) and waits for the runs in flight to finish. */
  async stop(): Promise<void> {
    this.halted = true;
    await Promise.all(this.running);
  }

  /** Waits until nothing is in flight and no pass is running (tests). */
  async idle(): Promise<void> {
    while (this.filling || this.running.size > 0) {
      await Promise.race([...this.running, new Promise((r) => setTimeout(r, 5))]);
    }
  }

  /** Starts one claimed run in a slot of `key`. */
  start(key: string, run: () => Promise<void>): void {
    this.inFlight++;
    this.inFlightByKey.set(key, (this.inFlightByKey.get(key) ?? 0) + 1);
    const p: Promise<void> = run()
      .catch((err: unknown) => this.opts.onRunError(err, key))
      .finally(() => {
        this.inFlight--;
        const left = (this.inFlightByKey.get(key) ?? 1) - 1;
        if (left > 0) this.inFlightByKey.set(key, left);
        else this.inFlightByKey.delete(key);
        this.running.delete(p);
        // A slot is free: whatever is due (a retry, this key's next one) may go now.
        this.kick();
      });
    this.running.add(p);
  }

  private async fill(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.halted && (await this.opts.pass()) > 0);
      } catch (err) {
        this.opts.onPassError(err);
      }
    } while (this.again && !this.halted);
  }
}
