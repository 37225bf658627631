import { describe, expect, it } from "vitest";
import { CONSOLE_ROUTES } from "@/test/support/fuzz-console-routes";
import { fuzzConfigFile } from "@/test/support/fuzz-routes";
import { runFuzz } from "@/test/support/fuzz-harness";
import {
  openTestDatabase,
  postgresUnavailableReason,
  testAppConfig,
  testContext,
  type TestDialect,
} from "@/test/support/test-context";

const pgReason = await postgresUnavailableReason();

/** The V免签 monitor app's endpoints (test/support/fuzz-routes.ts): fuzzed like every provider's notify. */
const VMQ_MONITOR_ROUTES = ["/api/vmq/vq/appHeart", "/api/vmq/vq/appPush", "/api/vmq/{channel}/appPush"];

// Small inside the suite; `npm run fuzz` runs 100,000 requests and prints the figures.
describe.each<TestDialect>(pgReason ? ["sqlite"] : ["sqlite", "postgres"])("fuzz on %s", (dialect) => {
  it("random input on every route: no 5xx and no state change from unsigned input", async () => {
    const report = await runFuzz({ runs: dialect === "sqlite" ? 600 : 300, dialect });
    expect(report.examples).toEqual([]);
    expect(report.fiveXX).toBe(0);
    expect(report.stateChanges).toBe(0);
    expect(Object.keys(report.byRoute).length).toBeGreaterThanOrEqual(19);
    expect(Object.keys(CONSOLE_ROUTES).filter((route) => !report.byRoute[route])).toEqual([]);
    expect(VMQ_MONITOR_ROUTES.filter((route) => !report.byRoute[route])).toEqual([]);
  }, 120_000);
});

describe("fuzz harness: the console", () => {
  it("is fuzzed signed in: a form with the token gets past the session and CSRF checks", async () => {
    const db = await openTestDatabase("sqlite");
    try {
      const ctx = testContext(db, testAppConfig(fuzzConfigFile));
      const post = (body: string) =>
        new Request("http://paydesk.test/console/act/dismiss", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
        });
      // No reason given: refused by the action itself, which only a signed-in operator with the token reaches.
      const res = await CONSOLE_ROUTES["/console/act/dismiss"]!(ctx, post("payment_id=1"), "");
      expect(res.headers.get("location")).toBe("/console/review?refused=reason_required");
      // Signed in again after a fuzzed logout.
      await CONSOLE_ROUTES["/console/auth/logout"]!(ctx, post("x=1"), "");
      const after = await CONSOLE_ROUTES["/console/act/dismiss"]!(ctx, post("payment_id=1"), "");
      expect(after.headers.get("location")).toBe("/console/review?refused=reason_required");
      const page = await CONSOLE_ROUTES["/console/orders"]!(ctx, new Request("http://paydesk.test/console/orders"), "");
      expect(await page.json()).toMatchObject({ rows: [], total: 0 });
    } finally {
      await db.close();
    }
  });
});
