import "server-only";
import pino, { type Logger } from "pino";
import { getConfig, type AppConfig } from "@/lib/config/load";
import { processSingleton } from "@/lib/process-state";
import { providerFor, type ChannelConfig } from "@/lib/providers/registry";
import type { PaymentProvider, ProviderDeps } from "@/lib/providers/types";
import { createEventBus, type EventBus } from "@/lib/events/event-bus";
import { getDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { storageAccess, type Repositories } from "@/lib/storage/repositories";

/**
 * Everything the domain functions need from the outside world, passed explicitly so tests can swap the clock, the
 * randomness, the providers and the database without module mocks. Storage is reached only through repositories:
 * `repos` for single statements, `withTransaction` for writes that must commit together.
 */
export interface AppContext {
  repos: Repositories;
  withTransaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  config: AppConfig;
  now(): number;
  random(): number;
  provider(channel: ChannelConfig): PaymentProvider;
  log: Logger;
  /** Where committed changes are announced (lib/events): in-process, and across instances on PostgreSQL. */
  events: EventBus;
}

export function getLogger(level: AppConfig["logLevel"] = getConfig().logLevel): Logger {
  return processSingleton("log", () => pino({ level, base: { app: "paydesk" } }));
}

// One bus per database handle: its LISTEN connection and listeners live as long as the process. Process-wide
// (lib/process-state.ts), as the database is: Next.js bundles instrumentation (the dispatcher) and each route
// separately, and they must all hear the same events.
function busFor(handle: DatabaseHandle, log: Logger): Promise<EventBus> {
  const buses = processSingleton("eventBuses", () => new WeakMap<DatabaseHandle, Promise<EventBus>>());
  let bus = buses.get(handle);
  if (!bus) {
    bus = createEventBus(handle, log.child({ component: "events" }));
    buses.set(handle, bus);
    bus.catch(() => buses.delete(handle));
  }
  return bus;
}

/**
 * Wires the providers' ports (lib/providers/types.ts) to the storage that implements them: the repositories of the
 * provider state kept in lib/storage, whose methods have the ports' names and shapes (the compiler checks it here).
 */
export function providerDeps(repos: Repositories, fetchImpl: typeof fetch): ProviderDeps {
  return { fetch: fetchImpl, qrCache: repos.qrCache, amounts: repos.amounts, monitors: repos.monitors };
}

/** The process-wide context: the configured database and real clock. */
export async function getAppContext(): Promise<AppContext> {
  const config = getConfig();
  const handle = await getDatabase(config.databaseUrl);
  const storage = storageAccess(handle.db);
  const log = getLogger(config.logLevel);
  const events = await busFor(handle, log);
  return {
    ...storage,
    config,
    now: () => Date.now(),
    random: () => Math.random(),
    provider: (channel) =>
      providerFor(
        channel,
        providerDeps(storage.repos, (...args) => fetch(...args)),
      ),
    log,
    events,
  };
}
