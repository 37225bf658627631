import { describe, expect, it } from "vitest";
import { runFuzz } from "@/test/support/fuzz-harness";
import { postgresUnavailableReason, type TestDialect } from "@/test/support/test-context";

const pgReason = await postgresUnavailableReason();

// Small inside the suite; `npm run fuzz` runs 100,000 requests and prints the figures.
describe.each<TestDialect>(pgReason ? ["sqlite"] : ["sqlite", "postgres"])("fuzz on %s", (dialect) => {
  it("random input on every route: no 5xx and no state change from unsigned input", async () => {
    const report = await runFuzz({ runs: dialect === "sqlite" ? 600 : 300, dialect });
    expect(report.examples).toEqual([]);
    expect(report.fiveXX).toBe(0);
    expect(report.stateChanges).toBe(0);
    expect(Object.keys(report.byRoute).length).toBeGreaterThanOrEqual(19);
  }, 120_000);
});
