import "server-only";
import type { Logger } from "pino";
import { ORDER_ID_PATTERN } from "@/lib/ids";
import { setHeldPollsOpen } from "@/lib/metrics";
import type { Notification, Order } from "@/lib/storage/records";
import type { Repositories } from "@/lib/storage/repositories";
import { processSingleton } from "@/lib/process-state";
import type { EventBus } from "./event-bus";

/** What the public view of an order is computed from. */
export interface OrderSnapshot {
  order: Order;
  /** Only read for paid orders (the shop's acknowledgement decides when the page may go back). */
  notification: Notification | undefined;
}

export interface LiveOrdersOptions {
  /** How often the safety net asks the database what changed (events lost on the way cost at most this). */
  safetyNetMs: number;
  log: Logger;
}

interface CacheEntry {
  loading: Promise<OrderSnapshot | undefined>;
  snap?: OrderSnapshot;
  loadedAt?: number;
}

/** Above this many cached orders the oldest tenth is dropped (they are read again on the next request). */
const MAX_CACHED = 20_000;
/**
 * A snapshot older than this is read again. The safety net skips a change whose updated_at it has already loaded, so
 * two writes to one order in the same millisecond whose second event was lost would otherwise never be noticed.
 */
const MAX_AGE_MS = 60_000;
/** The safety net looks back this much further than its last run, for writers whose clock is a little behind. */
const OVERLAP_MS = 5_000;

/**
 * The orders pages are looking at, in memory and kept fresh by events: a status poll is answered without touching
 * the database, and a held poll sleeps until its order's event wakes it. Entries are dropped on any event for their
 * order (the next read loads it again), and a timer re-checks what changed in the database in case an event got lost.
 */
export class LiveOrders {
  /**
   * Per order: the read in flight or done, and once done its snapshot and when it was read (wall clock), which the
   * safety net compares with the rows' updated_at.
   */
  private readonly cache = new Map<string, CacheEntry>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;
  private since: number;
  private checking = false;
  /** Held polls waiting now (also the `paydesk_held_polls_open` gauge). */
  private heldPolls = 0;

  constructor(
    private readonly repos: Repositories,
    bus: EventBus,
    private readonly now: () => number,
    private readonly opts: LiveOrdersOptions,
  ) {
    this.since = now();
    this.unsubscribe = bus.subscribe((e) => {
      if ("orderId" in e) this.changed(e.orderId);
    });
    this.timer = setInterval(() => void this.safetyNet(), opts.safetyNetMs);
    this.timer.unref();
  }

  /** The order and (when paid) its notification; undefined for an unknown id or an order still being created. */
  snapshot(orderId: string): Promise<OrderSnapshot | undefined> {
    if (!ORDER_ID_PATTERN.test(orderId)) return Promise.resolve(undefined);
    const hit = this.cache.get(orderId);
    if (hit && (hit.loadedAt === undefined || Date.now() - hit.loadedAt < MAX_AGE_MS)) return hit.loading;
    const entry: CacheEntry = { loading: this.load(orderId) };
    this.cache.set(orderId, entry);
    const forget = () => {
      if (this.cache.get(orderId) === entry) this.cache.delete(orderId);
    };
    // Nothing is kept for an unknown or `creating` order: it becomes visible without any event.
    entry.loading.then((s) => {
      if (!s) return forget();
      entry.snap = s;
      entry.loadedAt = Date.now();
    }, forget);
    if (this.cache.size > MAX_CACHED) this.evict();
    return entry.loading;
  }

  /** Resolves at the next event for the order, after `ms`, or when `signal` aborts, whichever comes first. */
  waitForChange(orderId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      let set = this.waiters.get(orderId);
      if (!set) this.waiters.set(orderId, (set = new Set()));
      const waiters = set;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiters.get(orderId) === waiters) this.waiters.delete(orderId);
        this.heldPolls--;
        setHeldPollsOpen(this.heldPolls);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      waiters.add(done);
      this.heldPolls++;
      setHeldPollsOpen(this.heldPolls);
      if (signal?.aborted) done();
      else signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** Held polls open right now (the benchmark prints it). */
  get waiting(): number {
    return this.heldPolls;
  }

  /** The order changed (an event, or the safety net saw it): forget it and wake whoever waits for it. */
  changed(orderId: string): void {
    this.cache.delete(orderId);
    const set = this.waiters.get(orderId);
    if (set) for (const wake of [...set]) wake();
  }

  /** One safety-net pass (the timer's; tests call it to skip the wait). */
  async safetyNet(): Promise<void> {
    if (this.checking || (this.cache.size === 0 && this.waiters.size === 0)) {
      this.since = this.now();
      return;
    }
    this.checking = true;
    const startedAt = this.now();
    try {
      const changes = await this.repos.rowChanges.rowsChangedSince(this.since - OVERLAP_MS);
      for (const c of changes) {
        if (!this.cache.has(c.orderId) && !this.waiters.has(c.orderId)) continue;
        // Seen already (the look-back overlaps the last pass, and the event usually came first): nothing to do.
        const snap = this.cache.get(c.orderId)?.snap;
        const known = c.row === "order" ? snap?.order.updated_at : snap?.notification?.updated_at;
        if (known !== undefined && c.updatedAt <= known) continue;
        this.changed(c.orderId);
      }
      this.since = startedAt;
    } catch (err) {
      this.opts.log.warn({ err }, "live orders safety net failed");
    } finally {
      this.checking = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    for (const id of [...this.waiters.keys()]) this.changed(id);
    this.cache.clear();
  }

  private async load(orderId: string): Promise<OrderSnapshot | undefined> {
    const order = await this.repos.orders.findOrderById(orderId);
    if (!order || order.status === "creating") return undefined;
    const notification =
      order.status === "paid" ? await this.repos.notifications.findNotificationByOrder(orderId) : undefined;
    return { order, notification };
  }

  private evict(): void {
    let drop = Math.floor(MAX_CACHED / 10);
    for (const id of this.cache.keys()) {
      if (drop-- <= 0) break;
      this.cache.delete(id);
    }
  }
}

/** The LiveOrders of a context's bus (one per process in production; one per test context in tests). */
export function liveOrdersFor(
  ctx: { repos: Repositories; events: EventBus; now(): number; log: Logger },
  safetyNetMs = 2000,
): LiveOrders {
  // Process-wide (lib/process-state.ts): every Next.js bundle (the page, the query route, the proxy) shares one per bus.
  const byBus = processSingleton("liveOrders", () => new WeakMap<EventBus, LiveOrders>());
  let live = byBus.get(ctx.events);
  if (!live) {
    live = new LiveOrders(ctx.repos, ctx.events, ctx.now, { safetyNetMs, log: ctx.log });
    byBus.set(ctx.events, live);
  }
  return live;
}
