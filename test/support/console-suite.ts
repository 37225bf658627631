import { afterAll, beforeAll, beforeEach } from "vitest";
import { scopeFor, type ConsoleScope } from "@/lib/console/console-scope";
import type { DatabaseHandle } from "@/lib/storage/database";
import { twoShopConsoleConfig } from "@/test/support/console-config";
import { FakeShop } from "@/test/support/fake-shop";
import { openTestDatabase, testContext, type TestContext, type TestDialect } from "@/test/support/test-context";

/** A console suite's shop, database and context (fresh before each test); `db` and `ctx` are set by the hooks. */
export interface ConsoleSuite {
  shop: FakeShop;
  db: DatabaseHandle;
  ctx: TestContext;
  /** The scope of the configured console user `name`, on the current test's context. */
  scope(name: string): ConsoleScope;
}

/**
 * Registers a console suite's hooks on `dialect`: a fake shop and the database for all tests, and a new two-shop
 * console context (k1 named `k1Name`, notifying the fake shop) before each.
 */
export function setUpConsoleSuite(dialect: TestDialect, k1Name: string): ConsoleSuite {
  const env = {
    shop: new FakeShop(),
    scope: (name: string) =>
      scopeFor(
        env.ctx.config,
        env.ctx.config.consoleUsers.find((u) => u.name === name)!,
      ),
  } as ConsoleSuite;
  beforeAll(async () => {
    await env.shop.start();
    env.db = await openTestDatabase(dialect);
  });
  afterAll(async () => {
    await env.shop.stop();
    await env.db.close();
  });
  beforeEach(() => {
    env.ctx = testContext(env.db, twoShopConsoleConfig({ notifyUrl: env.shop.notifyUrl, k1Name }));
  });
  return env;
}
