import "server-only";
import pino, { type Logger } from "pino";
import type { ChannelConfig } from "@/lib/providers/registry";
import { getConfig, type AppConfig } from "@/lib/config";
import { providerDeps, providerFor } from "@/lib/providers/registry";
import type { PaymentProvider } from "@/lib/providers/types";
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

const globalForLog = globalThis as unknown as { __paydeskLog?: Logger };

export function getLogger(level: AppConfig["logLevel"] = getConfig().logLevel): Logger {
  globalForLog.__paydeskLog ??= pino({ level, base: { app: "paydesk" } });
  return globalForLog.__paydeskLog;
}

// One bus per database handle: its LISTEN connection and listeners live as long as the process. On globalThis, as
// the database is: Next.js bundles instrumentation (the dispatcher) and each route separately, and they must all
// hear the same events.
const globalForBus = globalThis as unknown as { __paydeskBuses?: WeakMap<DatabaseHandle, Promise<EventBus>> };
function busFor(handle: DatabaseHandle, log: Logger): Promise<EventBus> {
  const buses = (globalForBus.__paydeskBuses ??= new WeakMap());
  let bus = buses.get(handle);
  if (!bus) {
    bus = createEventBus(handle, log.child({ component: "events" }));
    buses.set(handle, bus);
    bus.catch(() => buses.delete(handle));
  }
  return bus;
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
