import "server-only";
import type { Repositories } from "@/lib/storage/repositories";
import { deliver, leaseMs, type DispatcherOptions } from "./dispatcher";
import { FinishBatcher } from "./finish-batcher";

export interface PoolLimits {
  /** Deliveries in flight at once in this process. */
  maxInFlight: number;
  /**
   * Deliveries in flight at once to one shop (one origin of notify URLs): a shop that hangs holds at most this many
   * slots, and every other shop keeps the rest.
   */
  perShop: number;
}

// perShop: enough for a fast shop to take 500+ notifications/s (npm run bench:events), few enough that a small shop's
// PHP workers are not swamped by a burst and that a hanging shop leaves most of the pool to the others.
export const DEFAULT_POOL_LIMITS: PoolLimits = { maxInFlight: 128, perShop: 32 };

/** The shop a notify URL belongs to (its origin); an unparsable URL is its own shop. */
export function shopOf(url: string): string {
  return URL.parse(url)?.origin ?? url;
}

/**
 * The dispatcher: a bounded pool of deliveries, kicked by events (a payment committed, a resend, an attempt finished)
 * and by a safety-net timer. Each kick claims what is due, as many as there are free slots, by the same conditional
 * UPDATE as before (two instances never send the same attempt), and starts each delivery without waiting for the
 * others: a slow shop delays nobody but itself.
 */
export class DeliveryPool {
  private readonly inFlightByShop = new Map<string, number>();
  private inFlight = 0;
  private filling = false;
  private again = false;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  private readonly finisher: FinishBatcher;

  constructor(
    private readonly repos: Pick<Repositories, "notifications">,
    private readonly opts: DispatcherOptions,
    private readonly limits: PoolLimits = DEFAULT_POOL_LIMITS,
  ) {
    this.finisher = new FinishBatcher(repos.notifications);
  }

  /** Something may be due: fill the free slots (coalesced: kicks during a pass cause one more pass). */
  kick(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = true;
    void this.fill().finally(() => {
      this.filling = false;
    });
  }

  /** Deliveries in flight now. */
  get busy(): number {
    return this.inFlight;
  }

  /** Stops claiming and waits for the deliveries in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  /** Waits until nothing is in flight and no pass is running (tests). */
  async idle(): Promise<void> {
    while (this.filling || this.running.size > 0) {
      await Promise.race([...this.running, new Promise((r) => setTimeout(r, 5))]);
    }
  }

  private async fill(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.pass()) > 0);
      } catch (err) {
        this.opts.log.error({ err }, "dispatcher pass failed");
      }
    } while (this.again && !this.stopped);
  }

  /** One claim pass; returns how many deliveries it started. */
  private async pass(): Promise<number> {
    const free = this.limits.maxInFlight - this.inFlight;
    if (free <= 0) return 0;
    const now = this.opts.now();
    const full = [...this.inFlightByShop].filter(([, n]) => n >= this.limits.perShop).map(([shop]) => shop);
    const due = await this.repos.notifications.dueDeliveries(now, Math.min(free * 2, 200), full);
    // Pick within the free slots and the per-shop limits, then claim the picks in one statement (one commit).
    const picks: number[] = [];
    const perShop = new Map(this.inFlightByShop);
    for (const d of due) {
      if (picks.length >= free) break;
      const shop = shopOf(d.url);
      const busy = perShop.get(shop) ?? 0;
      if (busy >= this.limits.perShop) continue;
      perShop.set(shop, busy + 1);
      picks.push(d.id);
    }
    if (this.stopped) return 0;
    const rows = await this.repos.notifications.claimNotifications(
      picks,
      this.opts.owner,
      now,
      leaseMs(this.opts.timeoutMs),
    );
    for (const row of rows) this.start(shopOf(row.url), () => deliver(this.finisher, row, this.opts));
    return rows.length;
  }

  private start(shop: string, run: () => Promise<void>): void {
    this.inFlight++;
    this.inFlightByShop.set(shop, (this.inFlightByShop.get(shop) ?? 0) + 1);
    const p: Promise<void> = run()
      .catch((err: unknown) => this.opts.log.error({ err, shop }, "delivery failed"))
      .finally(() => {
        this.inFlight--;
        const left = (this.inFlightByShop.get(shop) ?? 1) - 1;
        if (left > 0) this.inFlightByShop.set(shop, left);
        else this.inFlightByShop.delete(shop);
        this.running.delete(p);
        // A slot is free: whatever is due (a retry, this shop's next one) may go now.
        this.kick();
      });
    this.running.add(p);
  }
}
