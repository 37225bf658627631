import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, postgresUnavailableReason, type TestDialect } from "@/test/support/test-context";
import type { DatabaseHandle } from "./database";
import { T0 } from "@/test/support/order-fixture";
import { insertDemoReceipt, listDemoReceipts } from "./demo-receipts-repo";

const pgReason = await postgresUnavailableReason();
if (pgReason) console.warn(`[demo-receipts-repo] PostgreSQL suite skipped: ${pgReason}`);

describe.each<TestDialect>(["sqlite", "postgres"])("demo receipts repository on %s", (dialect) => {
  const skip = dialect === "postgres" && pgReason !== null;
  let h: DatabaseHandle;
  beforeAll(async () => {
    if (!skip) h = await openTestDatabase(dialect);
  });
  afterAll(async () => {
    if (!skip) await h.close();
  });

  it.skipIf(skip)("demo receipts", async () => {
    await insertDemoReceipt(h.db, { orderId: "D1", outOrderId: "o", fields: { a: "1" }, verified: true, now: T0 });
    expect(await listDemoReceipts(h.db, "D1")).toMatchObject([{ order_id: "D1", verified: true, fields: '{"a":"1"}' }]);
  });
});
