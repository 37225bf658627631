/**
 * Paydesk's process-wide state, every piece named here with the reason it is one per process rather than one per
 * module. Next.js bundles instrumentation.ts (the background work), each route handler, the pages and the proxy
 * separately, and `next dev` reloads modules on every edit (HMR): a module-level variable would exist once per bundle
 * and once more per reload, so two routes would each open a database, keep their own breaker, or count into their
 * own metrics. Each value therefore lives on globalThis under its key below, and is reached only through this file,
 * each slot by the one module named beside it (which wraps it in a typed getter).
 *
 * Tests share worker processes (vitest `isolate: false`): test/support/per-file-reset.ts deletes every `__paydesk…`
 * key before each test file except the database and the logger, so the rest start empty as in a fresh process.
 *
 * Not slots here, because plain-JS server scripts outside the bundles read them by `Symbol.for` (they cannot import
 * TypeScript): `paydesk.fastLane` and `paydesk.edgeLog` (lib/http/fast-lane.ts hands its handler and the refused
 * request log to scripts/server.mjs), and `paydesk.edgeSetsPeer` (scripts/server-edge.mjs marks the process so
 * lib/http/client-ip.ts trusts the peer header it sets).
 */
export const PROCESS_STATE = {
  /** lib/config/load.ts: the validated configuration; read once, so every bundle sees the same merchants. */
  config: "__paydeskConfig",
  /** lib/context.ts: the pino logger; one destination and level for the whole process. */
  log: "__paydeskLog",
  /** lib/storage/database.ts: the open (and migrated) database; one pool of connections per process. */
  database: "__paydeskDb",
  /** lib/context.ts: one event bus per database handle, whose LISTEN connection every bundle must hear. */
  eventBuses: "__paydeskBuses",
  /** lib/events/live-orders.ts: the in-memory order views per bus; the page, the query route and the proxy share one. */
  liveOrders: "__paydeskLiveOrders",
  /** lib/channels/circuit-breaker.ts: upstream failures per channel; a route's failures must open it for all. */
  breaker: "__paydeskBreaker",
  /** lib/orders/reconcile.ts: single-flight and rate limit of upstream queries, whichever route asks. */
  reconcile: "__paydeskReconcile",
  /** lib/background.ts: the dispatcher and sweeper; started once, however many bundles load instrumentation. */
  background: "__paydeskBackground",
  /** lib/metrics.ts: the Prometheus registry; every bundle counts into the one `GET /api/metrics` serves. */
  metrics: "__paydeskMetrics",
  /** lib/alerts/alerts.ts: who waits for a queued alert; a route queues it, the background loop must hear it. */
  alertListeners: "__paydeskAlertListeners",
} as const;

export type ProcessSlot = keyof typeof PROCESS_STATE;

const globals = globalThis as unknown as Record<string, unknown>;

/**
 * The slot's value, created by `create` on first use. `T` is the owning module's type for the slot (each slot has
 * one owner, which alone calls this for it).
 */
export function processSingleton<T>(slot: ProcessSlot, create: () => T): T {
  const key = PROCESS_STATE[slot];
  globals[key] ??= create();
  return globals[key] as T;
}

/** The slot's value, or undefined when nothing set it yet. */
export function readProcessState<T>(slot: ProcessSlot): T | undefined {
  return globals[PROCESS_STATE[slot]] as T | undefined;
}

/** Sets the slot (undefined empties it, so the next use creates it again). */
export function writeProcessState<T>(slot: ProcessSlot, value: T | undefined): void {
  globals[PROCESS_STATE[slot]] = value;
}
