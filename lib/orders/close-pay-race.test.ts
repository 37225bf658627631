import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { storageAccess, type Repositories } from "@/lib/storage/repositories";
import { describeOnDatabases } from "@/test/support/databases";
import { signedCreateParams } from "@/test/support/merchant-client";
import { dropTestSchema, TEST_PG_URL, testAppConfig, testContext, type TestContext } from "@/test/support/test-context";
import { applyPayment } from "./apply-payment";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";

/**
 * Issue 17 item 4: a merchant's close on one instance racing a payment on another. When the payment loses, its
 * review row must say what beat it (`order_closed`), read from the order after the guarded update — not assume a
 * second payment (`order_paid`), which is what 3 of 30 such races were labelled.
 */
describeOnDatabases("close racing a payment across instances", (dialect) => {
  let handles: DatabaseHandle[] = [];
  let schema = "";
  /** Instance A takes the payments, instance B closes; both on one database. */
  let a: TestContext;
  let b: TestContext;
  /** Runs once, inside A's payment transaction, right after A read the order (before its guarded update). */
  let betweenReadAndGuard: ((tx: Repositories, orderId: string) => Promise<void>) | null = null;
  let seq = 0;

  beforeAll(async () => {
    if (dialect === "postgres") {
      schema = `paydesk_race_${randomBytes(5).toString("hex")}`;
      handles = [
        await openDatabase(TEST_PG_URL, { pgSchema: schema }),
        await openDatabase(TEST_PG_URL, { pgSchema: schema }),
      ];
    } else {
      // SQLite has one writer at a time, and better-sqlite3 waits for the lock synchronously: two handles in one
      // process would block each other's event loop. Two contexts share one handle instead.
      const handle = await openDatabase(
        `file:${path.join(os.tmpdir(), `paydesk-race-${randomBytes(6).toString("hex")}.db`)}`,
      );
      handles = [handle, handle];
    }
    const config = testAppConfig();
    const storageA = storageAccess(handles[0]!.db);
    a = testContext(handles[0]!, config, {
      withTransaction: (fn) =>
        storageA.withTransaction((tx) => {
          const findOrderById: Repositories["orders"]["findOrderById"] = async (id) => {
            const order = await tx.orders.findOrderById(id);
            const hook = betweenReadAndGuard;
            betweenReadAndGuard = null;
            if (hook) await hook(tx, id);
            return order;
          };
          return fn({ ...tx, orders: { ...tx.orders, findOrderById } });
        }),
    });
    b = testContext(handles[1]!, config);
    b.clock = a.clock;
    b.now = a.now;
  });
  afterAll(async () => {
    for (const h of new Set(handles)) await h.close();
    if (schema) await dropTestSchema(schema);
  });

  async function newOrder(): Promise<string> {
    const created = await createOrder(
      b,
      signedCreateParams({ price: "23.00", type: "alipay", out_order_id: `race-${dialect}-${++seq}` }),
    );
    return created.order_id;
  }

  const close = (repos: Repositories, orderId: string) =>
    repos.orders.transitionOrder(orderId, ["pending"], "closed", a.now(), { closed_at: a.now() });

  const pay = (orderId: string, tradeNo: string) =>
    applyPayment(a, {
      channelId: "sandbox",
      tradeNo,
      amountFen: 2300,
      match: { by: "order_id", orderId },
      raw: {},
    });

  it("a close that commits between the payment's read and its guarded update labels the review row order_closed", async () => {
    const orderId = await newOrder();
    betweenReadAndGuard = async (tx, id) => {
      // PostgreSQL: instance B's close commits on its own connection while A's transaction is open (A holds no lock
      // on the order yet). SQLite serialises writers, so the close can land there only inside A's transaction.
      expect(await close(dialect === "postgres" ? b.repos : tx, id)).toBe(true);
    };
    const result = await pay(orderId, `CLOSE-RACE-${dialect}-${orderId}`);
    expect(betweenReadAndGuard).toBeNull();
    expect(result).toEqual({ outcome: "unmatched", orderId, reason: "order_closed" });
    expect((await b.repos.orders.findOrderById(orderId))!.status).toBe("closed");
    const [row] = await b.repos.payments.listPaymentsForOrder(orderId);
    expect(row).toMatchObject({ status: "unmatched", reason: "order_closed" });
    expect(await b.repos.notifications.findNotificationByOrder(orderId)).toBeUndefined();
  });

  it("30 closes racing 30 payments: every order is paid or closed, and every review row says order_closed", async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, () => newOrder()));
    await Promise.all(ids.flatMap((id) => [close(b.repos, id), pay(id, `RACE30-${dialect}-${id}`)]));
    for (const id of ids) {
      const order = (await b.repos.orders.findOrderById(id))!;
      const [row] = await b.repos.payments.listPaymentsForOrder(id);
      if (order.status === "paid") {
        expect(row).toMatchObject({ status: "applied" });
      } else {
        expect(order.status).toBe("closed");
        expect(row).toMatchObject({ status: "unmatched", reason: "order_closed" });
      }
    }
  });
});
