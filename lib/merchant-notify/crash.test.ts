import { describe, expect, it } from "vitest";
import { runCrash } from "@/test/support/crash-harness";
import { postgresUnavailableReason } from "@/test/support/test-context";

const pgReason = await postgresUnavailableReason();
const cases: [string, "sqlite" | "postgres", number][] = [["SQLite, one instance", "sqlite", 1]];
if (!pgReason) cases.push(["PostgreSQL, two instances", "postgres", 2]);

// Small inside the suite (each waits out one dispatcher lease, ~31 s); `npm run crash` pays 1,000 orders.
describe.each(cases)("kill -9 while orders are paid: %s", (_name, dialect, instances) => {
  it("nothing lost, nothing applied twice, nothing delivered again after it was recorded", async () => {
    const r = await runCrash({ orders: 25, dialect, instances, killEveryMs: [50, 150], settleTimeoutMs: 50_000 });
    expect(r.kills).toBeGreaterThanOrEqual(1);
    expect(r).toMatchObject({
      orders: 25,
      lostPayments: 0,
      lostNotifications: 0,
      doubleApplies: 0,
      doubleDeliveries: 0,
    });
  }, 150_000);
});
