import "server-only";
import pino, { type Logger } from "pino";
import type { ChannelConfig } from "@/lib/providers/registry";
import { getConfig, type AppConfig } from "@/lib/config";
import { providerDeps, providerFor } from "@/lib/providers/registry";
import type { PaymentProvider } from "@/lib/providers/types";
import { getDatabase } from "@/lib/storage/database";
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
}

const globalForLog = globalThis as unknown as { __paydeskLog?: Logger };

export function getLogger(level: AppConfig["logLevel"] = getConfig().logLevel): Logger {
  globalForLog.__paydeskLog ??= pino({ level, base: { app: "paydesk" } });
  return globalForLog.__paydeskLog;
}

/** The process-wide context: the configured database and real clock. */
export async function getAppContext(): Promise<AppContext> {
  const config = getConfig();
  const { db } = await getDatabase(config.databaseUrl);
  const storage = storageAccess(db);
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
    log: getLogger(config.logLevel),
  };
}
