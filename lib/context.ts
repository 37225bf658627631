import { SECRET_SETTING_NAMES } from "@/lib/config/secret-settings";
import "server-only";
import pino, { type Logger } from "pino";
import { getConfig, type AppConfig } from "@/lib/config/load";
import type { Merchant } from "@/lib/config/schema";
import { processSingleton } from "@/lib/process-state";
import type { ChannelConfig } from "@/lib/providers/registry";
import type { PaymentProvider, ProviderDeps } from "@/lib/providers/types";
import type { EventBus } from "@/lib/events/event-bus";
import type { NotificationMethod, Order } from "@/lib/storage/records";
import type { Repositories } from "@/lib/storage/repositories";

/**
 * Everything the domain functions need from the outside world, passed explicitly so tests can swap the clock, the
 * randomness, the providers and the database without module mocks. Storage is reached only through repositories:
 * `repos` for single statements, `withTransaction` for writes that must commit together. The process's own context is
 * built in lib/app-context.ts (`getAppContext`), above everything it wires.
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
  /** What the protocol that created an order says about it once paid (lib/merchant-api/registry.ts `orderMessages`). */
  messages: OrderMessages;
}

/**
 * The port through which the order service (lib/orders) gets a paid order's messages without speaking any merchant
 * protocol: each protocol builds them in its own format (lib/merchant-api/<name>/<name>-notify-message.ts), and the
 * context is given them from above (lib/app-context.ts, test/support/test-context.ts), so lib/orders imports no
 * lib/merchant-api and no lib/merchant-notify.
 */
export interface OrderMessages {
  /** The notification a paid order sends, as the outbox stores it; null when there is nowhere to send. */
  notificationFor(merchant: Merchant, order: Order): { url: string; body: string; method: NotificationMethod } | null;
  /** The signed return URL the payer's browser goes back with; undefined when there is none. */
  signedReturnUrl(merchant: Merchant, order: Order): string | undefined;
  /** Every signature those two carry (lib/orders/signature-guard.ts remembers them). */
  issuedSignatures(merchant: Merchant, order: Order): string[];
}

/** The process logger's options: the level, and the redaction of SECRET_SETTING_NAMES (lib/config/secret-settings.ts; a channel's `key` too). */
export function loggerOptions(level: AppConfig["logLevel"]): pino.LoggerOptions {
  const paths = SECRET_SETTING_NAMES.flatMap((k) => [
    k,
    `*.${k}`,
    `*.*.${k}`,
    `channels[*].${k}`,
    `*.channels[*].${k}`,
    `merchants[*].${k}`,
    `*.merchants[*].${k}`,
  ]);
  // `key` is a common word in log lines; it is a credential only as a channel's setting.
  paths.push("channel.key", "channels[*].key", "*.channels[*].key");
  return { level, base: { app: "paydesk" }, redact: { paths, censor: "[redacted]" } };
}

export function getLogger(level: AppConfig["logLevel"] = getConfig().logLevel): Logger {
  return processSingleton("log", () => pino(loggerOptions(level)));
}

/**
 * Wires the providers' ports (lib/providers/types.ts) to the storage that implements them: the repositories of the
 * provider state kept in lib/storage, whose methods have the ports' names and shapes (the compiler checks it here).
 */
export function providerDeps(repos: Repositories, fetchImpl: typeof fetch): ProviderDeps {
  return { fetch: fetchImpl, qrCache: repos.qrCache, amounts: repos.amounts, monitors: repos.monitors };
}
