import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import type { AppConfig } from "@/lib/config/load";
import { configFileSchema, type ConfigFile } from "@/lib/config/schema";
import { providerDeps, type AppContext } from "@/lib/context";
import { providerFor } from "@/lib/providers/registry";
import { orderMessages } from "@/lib/merchant-api/registry";
import type { ProviderDeps } from "@/lib/providers/types";
import { LocalEventBus } from "@/lib/events/event-bus";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import {
  storageAccess,
  type AmountReservationsRepository,
  type ChannelMonitorsRepository,
  type QrCacheRepository,
} from "@/lib/storage/repositories";

/** PostgreSQL used by the suites: the machine's local server, database `test` (override with PAYDESK_TEST_PG_URL). */
// Tests are the one place besides lib/config/load.ts that reads the environment: they choose their own databases.
export const TEST_PG_URL = process.env.PAYDESK_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let pgProbe: Promise<string | null> | undefined;

/** Null when PostgreSQL answers; otherwise the reason it is skipped (printed by the suites). */
export function postgresUnavailableReason(): Promise<string | null> {
  pgProbe ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("select 1");
      return null;
    } catch (err) {
      return `PostgreSQL not reachable at ${TEST_PG_URL}: ${(err as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgProbe;
}

export type TestDialect = "sqlite" | "postgres";

/** A fresh, migrated database: a temp SQLite file, or a throwaway PostgreSQL schema dropped on close. */
export async function openTestDatabase(dialect: TestDialect): Promise<DatabaseHandle> {
  if (dialect === "sqlite") {
    const file = path.join(os.tmpdir(), `paydesk-test-${randomBytes(6).toString("hex")}.db`);
    return openDatabase(`file:${file}`);
  }
  const schema = `paydesk_test_${randomBytes(6).toString("hex")}`;
  const handle = await openDatabase(TEST_PG_URL, { pgSchema: schema });
  return {
    ...handle,
    async close() {
      await handle.close();
      await dropTestSchema(schema);
    },
  };
}

/** Drops a throwaway PostgreSQL schema (for tests that open several handles on one schema, like two instances). */
export async function dropTestSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

/** The test merchant: appkey `k1`, secret `s1secret`, sandbox channel. */
export const TEST_MERCHANT = { appkey: "k1", appsecret: "s1secret" } as const;

export function testConfigFile(overrides: Partial<ConfigFile> = {}): ConfigFile {
  return configFileSchema.parse({
    merchants: [
      {
        appkey: TEST_MERCHANT.appkey,
        appsecret: TEST_MERCHANT.appsecret,
        name: "Test Shop",
        notify_url: "http://127.0.0.1:9/notify",
        return_url: "https://shop.example/return",
        timeout_url: "https://shop.example/timeout",
        channels: ["sandbox"],
      },
    ],
    channels: [{ id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay", "qqpay"] }],
    ...overrides,
  });
}

export function testAppConfig(file: ConfigFile = testConfigFile(), baseUrl = "http://paydesk.test"): AppConfig {
  return {
    port: 3000,
    baseUrl,
    databaseUrl: "file::memory:",
    sessionSecret: "x".repeat(32),
    logLevel: "silent",
    dispatchIntervalMs: 1000,
    notifyTimeoutMs: 2000,
    upstreamTimeoutMs: 2000,
    background: false,
    demo: false,
    demoShop: false,
    merchants: file.merchants,
    channels: file.channels,
    limits: file.limits,
    dev: false,
    consoleUsers: file.console?.users ?? [],
  };
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public time = Date.UTC(2026, 10, 22, 4, 0, 0)) {}
  now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface TestContext extends AppContext {
  clock: ManualClock;
}

export function testContext(
  db: DatabaseHandle,
  config: AppConfig = testAppConfig(),
  overrides: Partial<AppContext> = {},
): TestContext {
  const clock = new ManualClock();
  const storage = storageAccess(db.db);
  return {
    ...storage,
    config,
    now: clock.now,
    random: Math.random,
    provider: (channel) =>
      providerFor(
        channel,
        providerDeps(storage.repos, (...args) => fetch(...args)),
      ),
    log: pino({ level: "silent" }),
    // In-process events; a test of instances on PostgreSQL passes a bus from createEventBus.
    events: new LocalEventBus(),
    messages: orderMessages,
    clock,
    ...overrides,
  };
}

/** Deps for a stateless provider under test: any use of provider state (QR cache, amounts, monitors) fails loudly. */
export function statelessProviderDeps(fetchImpl: typeof fetch): ProviderDeps {
  const refuse = <T extends object>(what: string): T =>
    new Proxy({} as T, {
      get(_target, name) {
        throw new Error(`a stateless provider used ${what}.${String(name)}`);
      },
    });
  return {
    fetch: fetchImpl,
    qrCache: refuse<QrCacheRepository>("qrCache"),
    amounts: refuse<AmountReservationsRepository>("amounts"),
    monitors: refuse<ChannelMonitorsRepository>("monitors"),
  };
}
