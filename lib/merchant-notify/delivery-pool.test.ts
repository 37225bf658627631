import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalEventBus } from "@/lib/events/event-bus";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { findNotificationByOrder, insertNotification } from "@/lib/storage/notifications-repo";
import { createRepositories } from "@/lib/storage/repositories";
import { FakeShop } from "@/test/support/fake-shop";
import { DeliveryPool } from "./delivery-pool";
import type { DispatcherOptions } from "./dispatcher";

const silent = pino({ level: "silent" });

describe("delivery pool", () => {
  const hanging = new FakeShop();
  const fast = new FakeShop();
  let db: DatabaseHandle;
  let seq = 0;
  const pools: DeliveryPool[] = [];

  const opts = (over: Partial<DispatcherOptions> = {}): DispatcherOptions => ({
    owner: "A",
    now: () => Date.now(),
    // The fake shops listen on 127.0.0.1, which the SSRF guard refuses unless the host is allowed.
    urlPolicy: () => ({ allowedHosts: ["127.0.0.1"] }),
    timeoutMs: 8_000,
    log: silent,
    ...over,
  });
  const queue = async (url: string) => {
    const orderId = `POOL${++seq}`;
    await insertNotification(db.db, { orderId, url, body: `order_id=${orderId}&sign=x`, now: Date.now() });
    return orderId;
  };

  beforeAll(async () => {
    hanging.behaviour = "hang";
    await hanging.start();
    await fast.start();
    db = await openDatabase(`file:${path.join(os.tmpdir(), `paydesk-pool-${randomBytes(5).toString("hex")}.db`)}`);
  });
  afterAll(async () => {
    await hanging.stop();
    await fast.stop();
    for (const p of pools) await p.stop().catch(() => undefined);
    await db.close();
  });

  it("a hanging shop with 60 due uses only its own slots: another shop's notification goes at once", async () => {
    const pool = new DeliveryPool(createRepositories(db.db), opts(), { maxInFlight: 16, perShop: 4 });
    pools.push(pool);
    for (let i = 0; i < 60; i++) await queue(hanging.notifyUrl);
    pool.kick();
    await expect.poll(() => hanging.received.length, { timeout: 2_000 }).toBe(4);
    const started = Date.now();
    const other = await queue(fast.notifyUrl);
    pool.kick();
    await expect
      .poll(() => fast.received.filter((n) => n.fields.order_id === other).length, { timeout: 2_000 })
      .toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect
      .poll(async () => (await findNotificationByOrder(db.db, other))?.status, { timeout: 2_000 })
      .toBe("delivered");
    // The hanging shop still holds only its 4 slots; nothing more of its 60 was sent meanwhile.
    expect(hanging.received).toHaveLength(4);
    expect(pool.busy).toBe(4);
    // Leave the hanging shop's rows out of the next tests.
    await db.db.updateTable("notifications").set({ status: "failed" }).where("url", "=", hanging.notifyUrl).execute();
  });

  it("counts a shop by its origin: 60 hanging GET notifications, each with its own query string, take only its slots", async () => {
    const hangingGet = new FakeShop();
    hangingGet.behaviour = "hang";
    await hangingGet.start();
    try {
      const pool = new DeliveryPool(createRepositories(db.db), opts({ owner: "origin" }), {
        maxInFlight: 16,
        perShop: 4,
      });
      pools.push(pool);
      // As epay and V免签 store them: the signed fields in each URL.
      for (let i = 0; i < 60; i++) await queue(`${hangingGet.notifyUrl}?out_trade_no=E${i}&sign=x`);
      pool.kick();
      await expect.poll(() => hangingGet.received.length, { timeout: 2_000 }).toBe(4);
      const other = await queue(fast.notifyUrl);
      pool.kick();
      await expect
        .poll(async () => (await findNotificationByOrder(db.db, other))?.status, { timeout: 2_000 })
        .toBe("delivered");
      await new Promise((r) => setTimeout(r, 200));
      expect(hangingGet.received).toHaveLength(4);
      expect(pool.busy).toBe(4);
      await db.db
        .updateTable("notifications")
        .set({ status: "failed" })
        .where("url", "like", `${hangingGet.notifyUrl}?%`)
        .execute();
      // Stop this pool before the shop lets go, so it claims none of the next test's notifications.
      const stopping = pool.stop();
      await hangingGet.stop();
      await stopping;
    } finally {
      await hangingGet.stop();
    }
  });

  it("two instances' pools deliver each of 150 notifications exactly once, and announce each result", async () => {
    const results: string[] = [];
    const bus = new LocalEventBus();
    bus.subscribe((e) => {
      if (e.type === "delivery.result" && e.status === "delivered") results.push(e.orderId);
    });
    const a = new DeliveryPool(createRepositories(db.db), opts({ owner: "pool-a", events: bus }));
    const b = new DeliveryPool(createRepositories(db.db), opts({ owner: "pool-b", events: bus }));
    pools.push(a, b);
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) ids.push(await queue(fast.notifyUrl));
    a.kick();
    b.kick();
    await expect.poll(() => results.length, { timeout: 10_000 }).toBe(150);
    await Promise.all([a.idle(), b.idle()]);
    expect(results).toHaveLength(150);
    for (const id of ids) expect(fast.received.filter((n) => n.fields.order_id === id)).toHaveLength(1);
    expect(new Set(results).size).toBe(150);
  });

  it("reads at most 1 KiB of a shop's answer", async () => {
    const big = new FakeShop();
    await big.start();
    const pool = new DeliveryPool(createRepositories(db.db), opts({ owner: "big" }));
    pools.push(pool);
    // A shop answering a megabyte: the attempt is logged with the first KiB only, and counts as not delivered.
    const server = await import("@/test/support/http-server").then((m) =>
      m.serveFetch(async () => new Response("x".repeat(1 << 20))),
    );
    try {
      const id = await queue(`${server.url}/notify`);
      pool.kick();
      await expect.poll(async () => (await findNotificationByOrder(db.db, id))?.attempts, { timeout: 3_000 }).toBe(1);
      const row = (await findNotificationByOrder(db.db, id))!;
      expect(row.status).toBe("pending");
      const attempt = await db.db
        .selectFrom("notification_attempts")
        .selectAll()
        .where("notification_id", "=", row.id)
        .executeTakeFirstOrThrow();
      expect(attempt.response_body).toHaveLength(1024);
    } finally {
      await server.close();
      await big.stop();
    }
  });
});
