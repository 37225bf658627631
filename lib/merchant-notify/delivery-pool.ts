import "server-only";
import type { Repositories } from "@/lib/storage/repositories";
import { deliver, leaseMs, type DispatcherOptions } from "./dispatcher";
import { FinishBatcher } from "./finish-batcher";
import { SlotPool } from "@/lib/slot-pool";

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
  private readonly slots: SlotPool;
  private readonly finisher: FinishBatcher;

  constructor(
    private readonly repos: Pick<Repositories, "notifications">,
    private readonly opts: DispatcherOptions,
    limits: PoolLimits = DEFAULT_POOL_LIMITS,
  ) {
    this.finisher = new FinishBatcher(repos.notifications);
    this.slots = new SlotPool({
      slots: limits.maxInFlight,
      perKey: limits.perShop,
      pass: () => this.pass(),
      onPassError: (err) => opts.log.error({ err }, "dispatcher pass failed"),
      onRunError: (err, shop) => opts.log.error({ err, shop }, "delivery failed"),
    });
  }

  /** Something may be due: fill the free slots (coalesced: kicks during a pass cause one more pass). */
  kick(): void {
    this.slots.kick();
  }

  /** Deliveries in flight now. */
  get busy(): number {
    return this.slots.busy;
  }

  /** Stops claiming and waits for the deliveries in flight to finish. */
  async stop(): Promise<void> {
    await this.slots.stop();
  }

  /** Waits until nothing is in flight and no pass is running (tests). */
  async idle(): Promise<void> {
    await this.slots.idle();
  }

  /** One claim pass; returns how many deliveries it started. */
  private async pass(): Promise<number> {
    const free = this.slots.free;
    if (free <= 0) return 0;
    const now = this.opts.now();
    const due = await this.repos.notifications.dueDeliveries(now, Math.min(free * 2, 200), this.slots.fullKeys());
    // Pick within the free slots and the per-shop limits, then claim the picks in one statement (one commit).
    const picks = this.slots.pick(due, free, (d) => shopOf(d.url));
    if (this.slots.stopped) return 0;
    const rows = await this.repos.notifications.claimNotifications(
      picks,
      this.opts.owner,
      now,
      leaseMs(this.opts.timeoutMs),
    );
    for (const row of rows) this.slots.start(shopOf(row.url), () => deliver(this.finisher, row, this.opts));
    return rows.length;
  }
}
