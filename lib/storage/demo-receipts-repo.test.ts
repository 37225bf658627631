import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { T0 } from "@/test/support/order-fixture";
import { insertDemoReceipt, listDemoReceipts } from "./demo-receipts-repo";

describeOnDatabases("demo receipts repository", (dialect) => {
  const h = useTestDatabase(dialect);

  it("demo receipts", async () => {
    await insertDemoReceipt(h.db, { orderId: "D1", outOrderId: "o", fields: { a: "1" }, verified: true, now: T0 });
    expect(await listDemoReceipts(h.db, "D1")).toMatchObject([{ order_id: "D1", verified: true, fields: '{"a":"1"}' }]);
  });
});
