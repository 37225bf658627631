import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { T0 } from "@/test/support/order-fixture";
import {
  claimNotification,
  claimNotifications,
  dueDeliveries,
  dueNotificationIds,
  finishAttempt,
  finishAttempts,
  findNotificationByOrder,
  insertNotification,
  listAttempts,
  resendNotification,
} from "./notifications-repo";

describeOnDatabases("notifications repository", (dialect) => {
  const h = useTestDatabase(dialect);

  it("notification leases: one claimant, owner-guarded finish, resend after failure", async () => {
    const orderId = `N-${dialect}`;
    await insertNotification(h.db, { orderId, url: "http://shop/n", body: "a=1", now: T0 });
    await insertNotification(h.db, { orderId, url: "http://shop/n", body: "a=2", now: T0 }); // one outbox row per order
    const n = (await findNotificationByOrder(h.db, orderId))!;
    expect(n.body).toBe("a=1");
    expect(await dueNotificationIds(h.db, T0, 100)).toContain(n.id);
    expect(await claimNotification(h.db, n.id, "A", T0, 1000)).toBeDefined();
    expect(await claimNotification(h.db, n.id, "B", T0 + 999, 1000)).toBeUndefined();
    expect(await dueNotificationIds(h.db, T0 + 999, 100)).not.toContain(n.id);
    // A's lease ran out and B took over: A's late result must not overwrite B's.
    expect(await claimNotification(h.db, n.id, "B", T0 + 1001, 1000)).toBeDefined();
    const attempt = {
      started_at: T0,
      duration_ms: 5,
      http_status: 200,
      response_body: "fail",
      error: null,
      outcome: "failed" as const,
    };
    expect(
      await finishAttempt(h.db, n.id, "A", T0 + 1002, { attempt, next: { status: "failed", nextAttemptAt: T0 } }),
    ).toBe(false);
    expect(
      await finishAttempt(h.db, n.id, "B", T0 + 1002, { attempt, next: { status: "failed", nextAttemptAt: T0 } }),
    ).toBe(true);
    expect(await findNotificationByOrder(h.db, orderId)).toMatchObject({
      status: "failed",
      attempts: 1,
      lease_owner: null,
    });
    expect(await listAttempts(h.db, n.id)).toHaveLength(1);
    expect(await resendNotification(h.db, orderId, T0 + 5000)).toBe(true);
    expect(await findNotificationByOrder(h.db, orderId)).toMatchObject({
      status: "pending",
      attempts: 0,
      next_attempt_at: T0 + 5000,
    });
  });
});

describeOnDatabases("due deliveries", (dialect) => {
  const h = useTestDatabase(dialect);

  it("skips the busy shops by origin, whatever path or query their URLs carry", async () => {
    const urls = [
      "http://busy.example/notify",
      "http://busy.example?sign=x",
      "http://busy.example/epay?out_trade_no=1",
      "http://busy.example:8080/notify",
      "http://busy.example.other/notify",
      "https://busy.example/notify",
    ];
    for (const [i, url] of urls.entries())
      await insertNotification(h.db, { orderId: `DUE-${dialect}-${i}`, url, body: "a=1", now: T0 });
    const all = await dueDeliveries(h.db, T0, 100, []);
    expect(all.map((d) => d.url)).toEqual(urls);
    const left = await dueDeliveries(h.db, T0, 100, ["http://busy.example"]);
    expect(left.map((d) => d.url)).toEqual(urls.slice(3));
  });
});

describeOnDatabases("batched claims and results", (dialect) => {
  const h = useTestDatabase(dialect);
  const attempt = {
    started_at: T0,
    duration_ms: 3,
    http_status: 200,
    response_body: "success",
    error: null,
    outcome: "delivered" as const,
  };

  it("claims many rows in one statement, each once, and writes many results in one transaction", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const orderId = `B-${dialect}-${i}`;
      await insertNotification(h.db, { orderId, url: "http://shop/n", body: "a=1", now: T0 });
      ids.push((await findNotificationByOrder(h.db, orderId))!.id);
    }
    const a = await claimNotifications(h.db, ids.slice(0, 3), "A", T0, 1000);
    expect(a.map((n) => n.id).sort()).toEqual(ids.slice(0, 3).sort());
    expect(a.every((n) => n.lease_owner === "A")).toBe(true);
    // B asks for all five: only the two A does not hold are its.
    const b = await claimNotifications(h.db, ids, "B", T0 + 1, 1000);
    expect(b.map((n) => n.id).sort()).toEqual(ids.slice(3).sort());
    const done = { status: "delivered" as const, nextAttemptAt: T0 };
    const kept = await finishAttempts(h.db, [
      { id: ids[0]!, owner: "A", now: T0 + 2, result: { attempt, next: done } },
      { id: ids[3]!, owner: "A", now: T0 + 2, result: { attempt, next: done } }, // B's lease: not kept
      { id: ids[4]!, owner: "B", now: T0 + 2, result: { attempt, next: done } },
    ]);
    expect(kept).toEqual([true, false, true]);
    expect(await findNotificationByOrder(h.db, `B-${dialect}-0`)).toMatchObject({ status: "delivered", attempts: 1 });
    expect(await findNotificationByOrder(h.db, `B-${dialect}-3`)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await listAttempts(h.db, ids[4]!)).toHaveLength(1);
    expect(await listAttempts(h.db, ids[3]!)).toHaveLength(0);
  });
});
