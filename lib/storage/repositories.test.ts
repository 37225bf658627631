import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { insertPendingOrder, T0 } from "@/test/support/order-fixture";
import { createRepositories, runInTransaction } from "./repositories";

describeOnDatabases("bound repositories", (dialect) => {
  const h = useTestDatabase(dialect);

  it("runInTransaction binds the repositories to one transaction: a throw rolls every write back", async () => {
    const o = await insertPendingOrder(h.db);
    const failed = runInTransaction(h.db, async (tx) => {
      expect(await tx.orders.markOrderPaid(o.id, { realFen: 100, paidAt: T0 + 1, late: false })).toBe(true);
      await tx.notifications.insertNotification({ orderId: o.id, url: "http://shop/n", body: "a=1", now: T0 });
      throw new Error("boom");
    });
    await expect(failed).rejects.toThrow("boom");
    const repos = createRepositories(h.db);
    expect((await repos.orders.findOrderById(o.id))!.status).toBe("pending");
    expect(await repos.notifications.findNotificationByOrder(o.id)).toBeUndefined();
    await expect(repos.health.ping()).resolves.toBeUndefined();
  });
});
