import "server-only";
import type { Logger } from "pino";
import { getConfig } from "@/lib/config/load";
import { getLogger, providerDeps, type AppContext } from "@/lib/context";
import { createEventBus, type EventBus } from "@/lib/events/event-bus";
import { orderMessages } from "@/lib/merchant-api/registry";
import { processSingleton } from "@/lib/process-state";
import { providerFor } from "@/lib/providers/registry";
import { getDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { storageAccess } from "@/lib/storage/repositories";

/*
 * Where the process's context is put together: the one module that sees storage, the providers and the merchant
 * protocols at once, so it sits above all of them (scripts/import-graph.mjs), while the `AppContext` type every domain
 * function takes stays low, in lib/context.ts. The edges (lib/http, the pages, the background jobs, the admin CLI)
 * call `getAppContext`; tests build theirs in test/support/test-context.ts the same way.
 */

export { getLogger, type AppContext } from "@/lib/context";

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
    messages: orderMessages,
  };
}
