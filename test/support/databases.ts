import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import type { AppConfig } from "@/lib/config/load";
import type { DatabaseHandle } from "@/lib/storage/database";
import {
  openTestDatabase,
  postgresUnavailableReason,
  testContext,
  type TestContext,
  type TestDialect,
} from "./test-context";

// Probed once per test file that imports this: the suites below decide at collection time whether PostgreSQL runs.
const pgReason = await postgresUnavailableReason();

/**
 * Declares the suite `${name} on sqlite` and `${name} on postgres`; the PostgreSQL one is skipped, with the reason
 * printed, when the server does not answer (so a machine without it still runs every SQLite test).
 */
export function describeOnDatabases(name: string, body: (dialect: TestDialect) => void): void {
  if (pgReason) console.warn(`[${name}] PostgreSQL suite skipped: ${pgReason}`);
  for (const dialect of ["sqlite", "postgres"] as const) {
    describe.skipIf(dialect === "postgres" && pgReason !== null)(`${name} on ${dialect}`, () => body(dialect));
  }
}

/**
 * A fresh migrated database for the enclosing suite: opened before its tests, closed after. The returned object is
 * filled in by the `beforeAll`, so tests read `h.db` as usual.
 */
export function useTestDatabase(dialect: TestDialect = "sqlite"): DatabaseHandle {
  const handle = {} as DatabaseHandle;
  beforeAll(async () => {
    Object.assign(handle, await openTestDatabase(dialect));
  });
  afterAll(() => handle.close());
  return handle;
}

/** A test context (default config) on a fresh SQLite database for the enclosing suite, filled in by its `beforeAll`. */
export function useTestContext(): TestContext {
  const ctx = {} as TestContext;
  let db: DatabaseHandle | undefined;
  beforeAll(async () => {
    db = await openTestDatabase("sqlite");
    Object.assign(ctx, testContext(db));
  });
  afterAll(() => db?.close());
  return ctx;
}

/**
 * The enclosing suite's database on `dialect` (as useTestDatabase) and a new test context on it before each test,
 * built from `config()`: `env.ctx` is the current test's.
 */
export function useContextPerTest(
  dialect: TestDialect,
  config: () => AppConfig,
): { db: DatabaseHandle; ctx: TestContext } {
  const env = { db: useTestDatabase(dialect) } as { db: DatabaseHandle; ctx: TestContext };
  beforeEach(() => {
    env.ctx = testContext(env.db, config());
  });
  return env;
}
