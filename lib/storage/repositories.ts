import "server-only";
import type { Db } from "./database";
import * as dailyCounts from "./daily-counts-repo";
import * as consoleAudit from "./console-audit-repo";
import * as consoleQueries from "./console-queries-repo";
import * as consoleExport from "./console-export-repo";
import * as consoleSessions from "./console-sessions-repo";
import * as consoleUsers from "./console-users-repo";
import * as consoleOps from "./console-ops-repo";
import * as demoReceipts from "./demo-receipts-repo";
import * as notifications from "./notifications-repo";
import * as orders from "./orders-repo";
import * as payments from "./payments-repo";
import * as expiry from "./order-expiry-repo";
import * as health from "./health-repo";
import * as qrCache from "./qr-cache-repo";
import * as rateLimits from "./rate-limits-repo";
import * as rowChanges from "./row-changes-repo";
import * as amounts from "./amount-reservations-repo";
import * as monitors from "./channel-monitors-repo";
import * as signatures from "./issued-signatures-repo";
import * as alerts from "./alerts-repo";
import * as alertFacts from "./alert-facts-repo";
import * as channelBudgets from "./channel-budgets-repo";
import * as refunds from "./refunds-repo";
import * as settings from "./settings-repo";

/** A repository function with its first argument (the database or a transaction) already bound. */
type Bound<F> = F extends (db: Db, ...args: infer A) => infer R ? (...args: A) => R : never;
type BoundModule<M> = { [K in keyof M]: Bound<M[K]> };

// Every export of a *-repo.ts module is a function of (db, …); binding them all keeps the methods named exactly
// as the functions, so `ctx.repos.orders.findOrderById(id)` reads like the function it calls.
type RepoModule = Record<string, (db: Db, ...args: never[]) => unknown>;

// Each module's functions, listed once: every transaction binds them all again, and listing a module namespace (one
// getter per export) cost as much as the binding itself.
const functionsOf = new WeakMap<RepoModule, [string, RepoModule[string]][]>();

function bind<M extends RepoModule>(db: Db, module: M): BoundModule<M> {
  let functions = functionsOf.get(module);
  if (!functions) {
    functions = Object.entries(module);
    functionsOf.set(module, functions);
  }
  const bound: Record<string, unknown> = {};
  for (const [name, fn] of functions) bound[name] = (...args: never[]) => fn(db, ...args);
  return bound as BoundModule<M>;
}

export type OrdersRepository = BoundModule<typeof orders>;
export type PaymentsRepository = BoundModule<typeof payments>;
export type NotificationsRepository = BoundModule<typeof notifications>;
export type QrCacheRepository = BoundModule<typeof qrCache>;
export type AmountReservationsRepository = BoundModule<typeof amounts>;
export type ChannelMonitorsRepository = BoundModule<typeof monitors>;
export type OrderExpiryRepository = BoundModule<typeof expiry>;
export type RowChangesRepository = BoundModule<typeof rowChanges>;
export type DemoReceiptsRepository = BoundModule<typeof demoReceipts>;
export type HealthRepository = BoundModule<typeof health>;
export type DailyCountsRepository = BoundModule<typeof dailyCounts>;
export type RateLimitsRepository = BoundModule<typeof rateLimits>;
export type ConsoleAuditRepository = BoundModule<typeof consoleAudit>;
export type ConsoleQueriesRepository = BoundModule<typeof consoleQueries>;
export type ConsoleExportRepository = BoundModule<typeof consoleExport>;
export type SignaturesRepository = BoundModule<typeof signatures>;
export type ConsoleSessionsRepository = BoundModule<typeof consoleSessions>;
export type ConsoleUsersRepository = BoundModule<typeof consoleUsers>;
export type ConsoleOpsRepository = BoundModule<typeof consoleOps>;
export type AlertsRepository = BoundModule<typeof alerts>;
export type AlertFactsRepository = BoundModule<typeof alertFacts>;
export type ChannelBudgetsRepository = BoundModule<typeof channelBudgets>;
export type RefundsRepository = BoundModule<typeof refunds>;
export type SettingsRepository = BoundModule<typeof settings>;

/** Everything the domain may ask of storage, bound to one database or to one open transaction. */
export interface Repositories {
  orders: OrdersRepository;
  payments: PaymentsRepository;
  notifications: NotificationsRepository;
  /**
   * 三网's QR-code cache. This and the next two implement the ports providers declare in lib/providers/types.ts
   * (same method names and shapes; lib/context.ts wires them, and the compiler checks them there).
   */
  qrCache: QrCacheRepository;
  /** Amounts held by open orders on V免签 channels (unique per channel + wallet + amount). */
  amounts: AmountReservationsRepository;
  /** Monitor apps' heartbeats per channel. */
  monitors: ChannelMonitorsRepository;
  demoReceipts: DemoReceiptsRepository;
  /** The sweeper's: pending orders past their time expired (each an `order.expired` event), dead creates dropped. */
  expiry: OrderExpiryRepository;
  /** Orders and notifications changed since a time: the live orders' safety net under lost events. */
  rowChanges: RowChangesRepository;
  health: HealthRepository;
  /** The daily order limit's per-day counters (atomic reservation). */
  dailyCounts: DailyCountsRepository;
  /** Abuse-limit counters: PostgreSQL-backed across instances, in memory on SQLite. */
  rateLimits: RateLimitsRepository;
  /** The merchant console's audit log (migration 007). */
  consoleAudit: ConsoleAuditRepository;
  /** The merchant console's scoped read queries. */
  consoleQueries: ConsoleQueriesRepository;
  /** The console's keyset-paged CSV export reads and the review page's candidate orders. */
  consoleExport: ConsoleExportRepository;
  /** Console sessions and failed logins (migration 011): shared by every instance. */
  consoleSessions: ConsoleSessionsRepository;
  /** Console accounts, the first-run setup token, account settings, sessions per user (migration 016). */
  consoleUsers: ConsoleUsersRepository;
  /** The console's operations: failing shops, bulk resend, the alert history by page (issue 20). */
  consoleOps: ConsoleOpsRepository;
  /** Signatures good for one use: those Paydesk issued, and each order's create signature (migration 010). */
  signatures: SignaturesRepository;
  /** Operator alerts: conditions, history and their own delivery outbox (migration 013). */
  alerts: AlertsRepository;
  /** What the alert triggers read: undelivered notifications per merchant, latest attempts, the day's figures. */
  alertFacts: AlertFactsRepository;
  /** Channel budgets: each channel's orders and amount per Beijing day, its unpaid run and rest (migration 015). */
  channelBudgets: ChannelBudgetsRepository;
  /** Refunds of paid orders and each order's refunded total (migration 014): exactly once per refund number. */
  refunds: RefundsRepository;
  /** The settings document and its audit (migration 017; lib/config/settings-store.ts `SettingsRepoPort`). */
  settings: SettingsRepository;
}

export function createRepositories(db: Db): Repositories {
  return {
    orders: bind(db, orders),
    payments: bind(db, payments),
    notifications: bind(db, notifications),
    qrCache: bind(db, qrCache),
    amounts: bind(db, amounts),
    monitors: bind(db, monitors),
    demoReceipts: bind(db, demoReceipts),
    expiry: bind(db, expiry),
    rowChanges: bind(db, rowChanges),
    health: bind(db, health),
    dailyCounts: bind(db, dailyCounts),
    rateLimits: bind(db, rateLimits),
    consoleAudit: bind(db, consoleAudit),
    consoleQueries: bind(db, consoleQueries),
    consoleExport: bind(db, consoleExport),
    consoleSessions: bind(db, consoleSessions),
    consoleUsers: bind(db, consoleUsers),
    consoleOps: bind(db, consoleOps),
    signatures: bind(db, signatures),
    alerts: bind(db, alerts),
    alertFacts: bind(db, alertFacts),
    channelBudgets: bind(db, channelBudgets),
    refunds: bind(db, refunds),
    settings: bind(db, settings),
  };
}

/** Runs `fn` in one transaction with repositories bound to it: all of its writes commit together or not at all. */
export function runInTransaction<T>(db: Db, fn: (repos: Repositories) => Promise<T>): Promise<T> {
  return db.transaction().execute((tx) => fn(createRepositories(tx)));
}

/** What the application context carries instead of the raw database. */
export interface StorageAccess {
  repos: Repositories;
  withTransaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
}

// Binding every repository costs ~30 µs, and the process's context is built for every request
// (lib/app-context.ts): one binding per database, kept as long as the database is.
const accessByDb = new WeakMap<Db, StorageAccess>();

export function storageAccess(db: Db): StorageAccess {
  let access = accessByDb.get(db);
  if (!access) {
    access = { repos: createRepositories(db), withTransaction: (fn) => runInTransaction(db, fn) };
    accessByDb.set(db, access);
  }
  return access;
}
