import { afterAll, beforeAll, expect, it } from "vitest";
import { describeOnDatabases } from "@/test/support/databases";
import { orderRow } from "@/test/support/order-fixture";
import { openTestDatabase } from "@/test/support/test-context";
import { insertAlert } from "./alerts-repo";
import { alertHistoryPage, failingShops, lastFailureByOrder, requeueShopNotifications } from "./console-ops-repo";
import type { DatabaseHandle } from "./database";
import type { OrdersTable } from "./schema";

const NOW = Date.UTC(2027, 0, 15, 2, 0, 0);

describeOnDatabases("console operations repository", (dialect) => {
  let h: DatabaseHandle;
  let seq = 0;

  function order(appkey: string): OrdersTable {
    seq += 1;
    return orderRow(`OPS${seq}${dialect}`, NOW - 600_000, {
      appkey,
      out_order_id: `out-${seq}`,
      status: "paid",
      real_fen: 100,
      expires_at: NOW,
      paid_at: NOW - 500_000,
      updated_at: NOW - 500_000,
    });
  }

  /** An order with its notification in `status`, after `fails` failed attempts of the given doctor class. */
  async function notified(
    appkey: string,
    status: "pending" | "failed" | "delivered",
    fails: number,
    doctor = "bad_ack:html",
    lease = 0,
  ): Promise<{ orderId: string; notificationId: number }> {
    const o = order(appkey);
    await h.db.insertInto("orders").values(o).execute();
    const n = await h.db
      .insertInto("notifications")
      .values({
        order_id: o.id,
        url: "http://shop.test/notify",
        body: "a=1",
        method: "POST",
        status,
        attempts: fails,
        next_attempt_at: NOW + 60_000 * (seq % 5),
        lease_until: lease,
        lease_owner: lease ? "other" : null,
        created_at: NOW - 400_000 + seq,
        delivered_at: status === "delivered" ? NOW : null,
        updated_at: NOW - 1000,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (let i = 1; i <= fails; i++)
      await h.db
        .insertInto("notification_attempts")
        .values({
          notification_id: Number(n.id),
          attempt_no: i,
          started_at: NOW - 300_000 + i,
          duration_ms: 5,
          http_status: 200,
          response_body: "<html>",
          error: null,
          outcome: status === "failed" && i === fails ? "failed" : "retry",
          doctor_class: i === fails ? doctor : "timeout",
        })
        .execute();
    return { orderId: o.id, notificationId: Number(n.id) };
  }

  beforeAll(async () => {
    h = await openTestDatabase(dialect);
  });
  afterAll(async () => {
    await h.close();
  });

  it("lists failing shops in scope with counts, next retry and the latest doctor class", async () => {
    await notified("shopA", "failed", 3, "waf_challenge:cloudflare");
    await notified("shopA", "pending", 2, "refused:ECONNREFUSED");
    await notified("shopA", "pending", 0); // not yet tried: not failing
    await notified("shopB", "delivered", 1); // delivered at last: not failing
    await notified("shopC", "pending", 1, "dns:ENOTFOUND");
    const all = await failingShops(h.db, null, 10);
    expect(all.map((s) => s.appkey)).toEqual(["shopA", "shopC"]);
    const a = all[0]!;
    expect([a.failed, a.retrying]).toEqual([1, 1]);
    expect(a.nextAttemptAt).not.toBeNull();
    expect(a.lastDoctorClass).toBe("refused:ECONNREFUSED");
    expect((await failingShops(h.db, ["shopC"], 10)).map((s) => s.appkey)).toEqual(["shopC"]);
    expect(await failingShops(h.db, [], 10)).toEqual([]);
  });

  it("finds each notification's latest failed attempt", async () => {
    const x = await notified("shopD", "pending", 2, "server_error:502");
    const y = await notified("shopD", "pending", 0);
    const map = await lastFailureByOrder(h.db, [x.orderId, y.orderId]);
    expect(map.get(x.orderId)).toBe("server_error:502");
    expect(map.has(y.orderId)).toBe(false);
    expect((await lastFailureByOrder(h.db, [])).size).toBe(0);
  });

  it("requeues one shop's failed and retrying notifications, not another shop's, not a leased one", async () => {
    const failed = await notified("shopE", "failed", 3);
    const retrying = await notified("shopE", "pending", 1);
    const leased = await notified("shopE", "pending", 1, "timeout", NOW + 60_000);
    const other = await notified("shopF", "failed", 2);
    const ids = await requeueShopNotifications(h.db, "shopE", NOW);
    expect(ids.sort()).toEqual([failed.orderId, retrying.orderId].sort());
    const rows = await h.db
      .selectFrom("notifications")
      .select(["order_id", "status", "attempts", "next_attempt_at"])
      .where("order_id", "in", [failed.orderId, leased.orderId, other.orderId])
      .execute();
    const by = new Map(rows.map((r) => [r.order_id, r]));
    expect(by.get(failed.orderId)).toMatchObject({ status: "pending", attempts: 0 });
    expect(Number(by.get(failed.orderId)!.next_attempt_at)).toBe(NOW);
    expect(by.get(leased.orderId)).toMatchObject({ attempts: 1 });
    expect(by.get(other.orderId)).toMatchObject({ status: "failed" });
    expect(await requeueShopNotifications(h.db, "nobody", NOW)).toEqual([]);
  });

  it("pages the alert history newest first with each alert's deliveries", async () => {
    for (let i = 1; i <= 5; i++)
      await insertAlert(
        h.db,
        { condition: `c${i}`, kind: "raised", severity: "warning", title: `t${i}`, body: "b", now: NOW + i },
        i % 2 ? ["hook", "tg"] : [],
      );
    const p1 = await alertHistoryPage(h.db, { limit: 2, offset: 0 });
    expect(p1.total).toBe(5);
    expect(p1.rows.map((a) => a.title)).toEqual(["t5", "t4"]);
    expect(p1.rows[0]!.deliveries.map((d) => d.sink_id)).toEqual(["hook", "tg"]);
    expect(p1.rows[1]!.deliveries).toEqual([]);
    const p3 = await alertHistoryPage(h.db, { limit: 2, offset: 4 });
    expect(p3.rows.map((a) => a.title)).toEqual(["t1"]);
    expect(p3.rows[0]!.deliveries[0]).toMatchObject({ status: "pending", attempts: 0, created_at: NOW + 1 });
  });
});
