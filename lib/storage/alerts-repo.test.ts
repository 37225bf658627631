import type { Kysely } from "kysely";
import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { insertPendingOrder, T0 } from "@/test/support/order-fixture";
import { dayFigures, recentAttemptsOfMerchant, undeliveredByMerchant } from "./alert-facts-repo";
import {
  activeConditions,
  claimAlertDeliveries,
  clearCondition,
  countSinkDeliveredSince,
  dueAlertDeliveries,
  finishAlertDelivery,
  insertAlert,
  raiseCondition,
  recentAlerts,
} from "./alerts-repo";
import { migrations } from "./migrations";
import { claimNotifications, finishAttempt, insertNotification, listAttempts } from "./notifications-repo";

describeOnDatabases("alerts and their outbox (migration 013)", (dialect) => {
  const h = useTestDatabase(dialect);

  it("raises a condition once until it is cleared, and clears it once", async () => {
    expect(await raiseCondition(h.db, { condition: "notify:k1", severity: "critical", now: T0 })).toBe(true);
    expect(await raiseCondition(h.db, { condition: "notify:k1", severity: "critical", now: T0 + 1 })).toBe(false);
    const racing = await Promise.all(
      [1, 2, 3].map(() => raiseCondition(h.db, { condition: "c:race", severity: "info", now: T0 })),
    );
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await activeConditions(h.db, "notify:")).toEqual(["notify:k1"]);
    expect(await clearCondition(h.db, "notify:k1", T0 + 2)).toBe("critical");
    expect(await clearCondition(h.db, "notify:k1", T0 + 3)).toBeNull();
    expect(await activeConditions(h.db, "notify:")).toEqual([]);
    expect(await raiseCondition(h.db, { condition: "notify:k1", severity: "warning", now: T0 + 4 })).toBe(true);
  });

  it("queues one delivery per sink, claims each once, records answers and counts per sink", async () => {
    const id = await insertAlert(
      h.db,
      { condition: "c1", kind: "raised", severity: "warning", title: "t", body: "b", now: T0 },
      ["hook", "wecom"],
    );
    const due = await dueAlertDeliveries(h.db, T0, 10);
    expect(due.map((d) => d.sink_id).sort()).toEqual(["hook", "wecom"]);
    expect(await dueAlertDeliveries(h.db, T0, 10, ["hook"])).toEqual([due.find((d) => d.sink_id === "wecom")]);
    const ids = due.map((d) => d.id);
    const [a, b] = await Promise.all([
      claimAlertDeliveries(h.db, { ids, now: T0, owner: "a", leaseMs: 1000 }),
      claimAlertDeliveries(h.db, { ids, now: T0, owner: "b", leaseMs: 1000 }),
    ]);
    expect(a.length + b.length).toBe(2);
    const mine = [...a.map((c) => ({ ...c, owner: "a" })), ...b.map((c) => ({ ...c, owner: "b" }))];
    expect(mine[0]?.alert).toMatchObject({ id, title: "t", kind: "raised", severity: "warning" });
    const hook = mine.find((c) => c.delivery.sink_id === "hook")!;
    const wecom = mine.find((c) => c.delivery.sink_id === "wecom")!;
    // Someone else's lease changes nothing.
    expect(
      await finishAlertDelivery(h.db, {
        id: hook.delivery.id,
        owner: "zz",
        now: T0,
        status: "delivered",
        nextAttemptAt: T0,
        answer: "x",
        counted: true,
      }),
    ).toBe(false);
    expect(
      await finishAlertDelivery(h.db, {
        id: hook.delivery.id,
        owner: hook.owner,
        now: T0 + 5,
        status: "delivered",
        nextAttemptAt: T0 + 5,
        answer: "200 ok",
        counted: true,
      }),
    ).toBe(true);
    expect(
      await finishAlertDelivery(h.db, {
        id: wecom.delivery.id,
        owner: wecom.owner,
        now: T0 + 5,
        status: "pending",
        nextAttemptAt: T0 + 60_000,
        answer: "502",
        counted: true,
      }),
    ).toBe(true);
    expect(await dueAlertDeliveries(h.db, T0 + 10, 10)).toEqual([]);
    expect(await dueAlertDeliveries(h.db, T0 + 60_000, 10)).toHaveLength(1);
    expect(await countSinkDeliveredSince(h.db, "hook", T0)).toBe(1);
    expect(await countSinkDeliveredSince(h.db, "wecom", T0)).toBe(0);
    const [latest] = await recentAlerts(h.db, 5);
    expect(latest?.deliveries.map((d) => [d.sink_id, d.status, d.attempts, d.last_answer])).toEqual([
      ["hook", "delivered", 1, "200 ok"],
      ["wecom", "pending", 1, "502"],
    ]);
  });

  it("stores the doctor's class on the attempt and reads a merchant's backlog and latest attempts", async () => {
    await insertPendingOrder(h.db, { id: "ALERT1" });
    await insertNotification(h.db, { orderId: "ALERT1", url: "https://shop.example/n", body: "x", now: T0 });
    const [n] = await claimNotifications(h.db, [(await undeliveredIds())[0]!], "o", T0, 1000);
    await finishAttempt(h.db, n!.id, "o", T0 + 1, {
      attempt: {
        started_at: T0,
        duration_ms: 5,
        http_status: 403,
        response_body: "Just a moment",
        error: null,
        outcome: "retry",
        doctor_class: "waf_challenge:cloudflare",
      },
      next: { status: "pending", nextAttemptAt: T0 + 60_000 },
    });
    expect((await listAttempts(h.db, n!.id))[0]).toMatchObject({ doctor_class: "waf_challenge:cloudflare" });
    const backlog = await undeliveredByMerchant(h.db);
    expect(backlog.find((b) => b.appkey === "k1")).toEqual({ appkey: "k1", oldestUndeliveredAt: T0, undelivered: 1 });
    expect(await recentAttemptsOfMerchant(h.db, "k1", 5)).toEqual([
      { outcome: "retry", doctorClass: "waf_challenge:cloudflare", startedAt: T0, httpStatus: 403 },
    ]);
    expect(await dayFigures(h.db, T0 - 86_400_000, T0 + 86_400_000)).toMatchObject({ orders: 1, paid: 0, review: 0 });
  });

  it("migration 013 goes down and up again", async () => {
    const m = migrations(dialect)["013_alerts"]!;
    const raw = h.db as unknown as Kysely<unknown>;
    await m.down!(raw);
    await m.up(raw);
    expect(await raiseCondition(h.db, { condition: "after-remigration", severity: "info", now: T0 })).toBe(true);
  });

  async function undeliveredIds(): Promise<number[]> {
    const rows = await h.db.selectFrom("notifications").select("id").where("status", "=", "pending").execute();
    return rows.map((r) => Number(r.id));
  }
});
