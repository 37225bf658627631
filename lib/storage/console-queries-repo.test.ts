import { afterAll, beforeAll, expect, it } from "vitest";
import { describeOnDatabases } from "@/test/support/databases";
import { orderRow } from "@/test/support/order-fixture";
import { openTestDatabase } from "@/test/support/test-context";
import { insertAuditEntry, listAuditEntries, listAuditForOrder } from "./console-audit-repo";
import {
  channelActivitySince,
  lastAppliedPaymentAt,
  lastMonitorSignalAt,
  listFailingNotifications,
  paidTotalsByDay,
  searchOrders,
} from "./console-queries-repo";
import type { DatabaseHandle } from "./database";
import { insertNotification, requeueNotificationNow } from "./notifications-repo";
import type { OrdersTable } from "./schema";

type NewOrder = OrdersTable;
import { insertPaymentOnce, listReviewPaymentsInScope, settleReviewedPayment } from "./payments-repo";

// 2027-01-15 00:00 Beijing = 2027-01-14 16:00 UTC.
const DAY = 86_400_000;
const BJ_MIDNIGHT = Date.UTC(2027, 0, 14, 16, 0, 0);
const NOW = BJ_MIDNIGHT + 10 * 3600_000;

describeOnDatabases("console repositories", (dialect) => {
  let h: DatabaseHandle;
  let seq = 0;

  function order(over: Partial<NewOrder>): NewOrder {
    seq += 1;
    return orderRow(`CON${seq}${dialect}`, over.created_at ?? NOW - 60_000, { out_order_id: `out-${seq}`, ...over });
  }
  const paid = (fen: number, paidAt: number, over: Partial<NewOrder> = {}) =>
    order({ status: "paid", real_fen: fen, paid_at: paidAt, created_at: paidAt - 30_000, ...over });

  beforeAll(async () => {
    h = await openTestDatabase(dialect);
    await h.db
      .insertInto("orders")
      .values([
        paid(100, BJ_MIDNIGHT + 60_000), // today (Beijing), k1/c1
        paid(250, BJ_MIDNIGHT - 1000), // yesterday 23:59:59 Beijing, k1/c1
        paid(300, BJ_MIDNIGHT + 2000, { appkey: "k2", channel_id: "c2" }),
        paid(999, BJ_MIDNIGHT - 20 * DAY), // older than 14 days
        order({ out_order_id: "shop-ref-1", type: "wxpay" }), // pending
        order({ created_at: NOW - 3600_000 }), // pending past expiry: expired by the clock
        order({ status: "closed", closed_at: NOW - 1000 }),
        order({ status: "creating" }), // never listed
      ])
      .execute();
  });
  afterAll(async () => {
    await h.close();
  });

  it("searches within the operator's merchants, with public status by the clock, and paginates", async () => {
    const page = { limit: 100, offset: 0 };
    const all = await searchOrders(h.db, { appkeys: null, now: NOW }, page);
    expect(all.total).toBe(7);
    const k1 = await searchOrders(h.db, { appkeys: ["k1"], now: NOW }, page);
    expect(k1.total).toBe(6);
    expect(k1.rows.every((r) => r.appkey === "k1")).toBe(true);
    // Asking for another merchant's orders by name does not widen the scope.
    expect((await searchOrders(h.db, { appkeys: ["k1"], appkey: "k2", now: NOW }, page)).total).toBe(0);
    expect((await searchOrders(h.db, { appkeys: [], now: NOW }, page)).total).toBe(0);
    expect(
      (await searchOrders(h.db, { appkeys: null, status: "pending", now: NOW }, page)).rows.map((r) => r.out_order_id),
    ).toEqual(["shop-ref-1"]);
    expect((await searchOrders(h.db, { appkeys: null, status: "expired", now: NOW }, page)).total).toBe(1);
    expect((await searchOrders(h.db, { appkeys: null, status: "paid", now: NOW }, page)).total).toBe(4);
    expect((await searchOrders(h.db, { appkeys: null, type: "wxpay", now: NOW }, page)).total).toBe(1);
    expect((await searchOrders(h.db, { appkeys: null, outOrderId: "shop-ref-1", now: NOW }, page)).total).toBe(1);
    expect((await searchOrders(h.db, { appkeys: null, channelId: "c2", now: NOW }, page)).total).toBe(1);
    const today = await searchOrders(
      h.db,
      { appkeys: null, status: "paid", createdFrom: BJ_MIDNIGHT - 60_000, createdBefore: BJ_MIDNIGHT + DAY, now: NOW },
      page,
    );
    expect(today.total).toBe(3);
    const p1 = await searchOrders(h.db, { appkeys: null, now: NOW }, { limit: 3, offset: 0 });
    const p3 = await searchOrders(h.db, { appkeys: null, now: NOW }, { limit: 3, offset: 6 });
    expect([p1.rows.length, p3.rows.length, p1.total]).toEqual([3, 1, 7]);
  });

  it("sums paid orders per merchant, channel and Beijing day", async () => {
    const buckets = await paidTotalsByDay(h.db, null, BJ_MIDNIGHT - 13 * DAY);
    const todayNo = Math.floor((BJ_MIDNIGHT + 8 * 3600_000) / DAY);
    const find = (appkey: string, day: number) => buckets.find((b) => b.appkey === appkey && b.day === day);
    expect(find("k1", todayNo)).toMatchObject({ channel_id: "c1", count: 1, fen: 100 });
    expect(find("k1", todayNo - 1)).toMatchObject({ count: 1, fen: 250 });
    expect(find("k2", todayNo)).toMatchObject({ channel_id: "c2", count: 1, fen: 300 });
    expect(buckets.some((b) => b.fen === 999)).toBe(false);
    expect((await paidTotalsByDay(h.db, ["k2"], BJ_MIDNIGHT - 13 * DAY)).map((b) => b.appkey)).toEqual(["k2"]);
  });

  it("counts today's activity per channel and finds the last payment and monitor signal", async () => {
    const act = await channelActivitySince(h.db, null, ["c1", "c2"], BJ_MIDNIGHT);
    const c1 = act.find((a) => a.channel_id === "c1")!;
    // c1 today: the paid one, the pending one, the expired one, the closed one (not the yesterday order, not `creating`).
    expect(c1).toMatchObject({ created: 4, paid: 1, paid_fen: 100 });
    expect(await channelActivitySince(h.db, ["k2"], ["c1"], BJ_MIDNIGHT)).toEqual([]);
    await insertPaymentOnce(h.db, {
      channel_id: "m1",
      trade_no: "t1",
      order_id: null,
      amount_fen: 1,
      status: "applied",
      reason: null,
      raw: "{}",
      received_at: NOW - 5000,
    });
    await insertPaymentOnce(h.db, {
      channel_id: "m1",
      trade_no: "t2",
      order_id: null,
      amount_fen: 1,
      status: "unmatched",
      reason: "no_order",
      raw: "{}",
      received_at: NOW - 1000,
    });
    await h.db
      .insertInto("qr_cache")
      .values({
        channel_id: "m2",
        amount_fen: 100,
        memo: "x",
        content: "wxp://x",
        order_id: null,
        locked_at: 0,
        created_at: NOW - 7000,
      })
      .execute();
    expect((await lastAppliedPaymentAt(h.db, ["m1"])).get("m1")).toBe(NOW - 5000);
    const signal = await lastMonitorSignalAt(h.db, ["m1", "m2", "m3"]);
    expect([signal.get("m1"), signal.get("m2"), signal.get("m3")]).toEqual([NOW - 1000, NOW - 7000, undefined]);
  });

  it("lists payments for review in scope, and settles each one once", async () => {
    const [k1Order] = (
      await searchOrders(h.db, { appkeys: ["k1"], status: "pending", now: NOW }, { limit: 1, offset: 0 })
    ).rows;
    const a = (await insertPaymentOnce(h.db, {
      channel_id: "c1",
      trade_no: "r1",
      order_id: k1Order!.id,
      amount_fen: 99,
      status: "mismatched",
      reason: "amount_mismatch",
      raw: "{}",
      received_at: NOW,
    }))!;
    const b = (await insertPaymentOnce(h.db, {
      channel_id: "c2",
      trade_no: "r2",
      order_id: null,
      amount_fen: 5,
      status: "unmatched",
      reason: "no_order",
      raw: "{}",
      received_at: NOW,
    }))!;
    const ids = async (appkeys: string[] | null, channelIds: string[] | null) =>
      (await listReviewPaymentsInScope(h.db, { appkeys, channelIds }))
        .map((p) => p.id)
        .filter((id) => id === a || id === b);
    expect((await ids(null, null)).sort()).toEqual([a, b].sort());
    expect(await ids(["k1"], ["c1"])).toEqual([a]);
    expect(await ids(["k2"], ["c2"])).toEqual([b]);
    expect(
      await settleReviewedPayment(h.db, a, { status: "dismissed", orderId: k1Order!.id, reason: "dismissed" }),
    ).toBe(true);
    expect(await settleReviewedPayment(h.db, a, { status: "applied", orderId: k1Order!.id, reason: "credited" })).toBe(
      false,
    );
    expect(await ids(null, null)).toEqual([b]);
  });

  it("lists failing notifications in scope and requeues one unless it is in flight", async () => {
    const [o1, o2] = (await searchOrders(h.db, { appkeys: null, status: "paid", now: NOW }, { limit: 2, offset: 0 }))
      .rows;
    await insertNotification(h.db, { orderId: o1!.id, url: "http://s/n", body: "b", now: NOW - 1000 });
    await insertNotification(h.db, { orderId: o2!.id, url: "http://s/n", body: "b", now: NOW - 1000 });
    await h.db
      .updateTable("notifications")
      .set({ status: "failed", attempts: 15 })
      .where("order_id", "=", o1!.id)
      .execute();
    expect((await listFailingNotifications(h.db, null, 10)).map((n) => n.order_id)).toEqual([o1!.id]);
    await h.db
      .updateTable("notifications")
      .set({ attempts: 2, lease_until: NOW + 60_000, lease_owner: "x" })
      .where("order_id", "=", o2!.id)
      .execute();
    expect((await listFailingNotifications(h.db, null, 10)).map((n) => n.order_id).sort()).toEqual(
      [o1!.id, o2!.id].sort(),
    );
    expect(await listFailingNotifications(h.db, ["nobody"], 10)).toEqual([]);
    expect(await requeueNotificationNow(h.db, o2!.id, NOW)).toBe(false); // leased: in flight
    expect(await requeueNotificationNow(h.db, o1!.id, NOW)).toBe(true);
    const row = await h.db
      .selectFrom("notifications")
      .selectAll()
      .where("order_id", "=", o1!.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "pending", attempts: 0, next_attempt_at: NOW });
  });

  it("keeps the audit log and shows each operator only their merchants' entries and their own", async () => {
    const entry = (user: string, appkey: string | null, orderId: string | null) =>
      insertAuditEntry(h.db, {
        at: NOW,
        user_name: user,
        action: appkey ? "resend" : "login",
        appkey,
        order_id: orderId,
        payment_id: null,
        reason: null,
        detail: null,
      });
    await entry("ops", "k1", "AUD1");
    await entry("ops", null, null);
    await entry("shop2", "k2", "AUD2");
    await entry("shop2", null, null);
    const all = await listAuditEntries(h.db, { appkeys: null, userName: "ops" }, { limit: 50, offset: 0 });
    expect(all.total).toBe(4);
    expect(all.rows[0]!.user_name).toBe("shop2"); // newest first
    const shop2 = await listAuditEntries(h.db, { appkeys: ["k2"], userName: "shop2" }, { limit: 50, offset: 0 });
    expect(shop2.rows.map((r) => [r.user_name, r.appkey])).toEqual([
      ["shop2", null],
      ["shop2", "k2"],
    ]);
    expect((await listAuditForOrder(h.db, "AUD1")).map((r) => r.user_name)).toEqual(["ops"]);
  });
});
