import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { insertPendingOrder, T0, testOrder } from "@/test/support/order-fixture";
import {
  activateOrder,
  claimReconcileSlot,
  collectedSince,
  countOrdersSince,
  deleteCreatingOrder,
  findOrderById,
  findOrderByMerchantRef,
  findOrderByProviderOrderId,
  insertCreatingOrder,
  lastPaidChannel,
  listPaidOrdersByCustom,
  markOrderPaid,
  sweepOrders,
  transitionOrder,
} from "./orders-repo";

describeOnDatabases("orders repository", (dialect) => {
  const h = useTestDatabase(dialect);

  it("the (appkey, out_order_id) claim is unique; a failed create can be dropped and retried", async () => {
    const o = testOrder({ out_order_id: "same" });
    expect(await insertCreatingOrder(h.db, o)).toBe(true);
    expect(await insertCreatingOrder(h.db, testOrder({ out_order_id: "same" }))).toBe(false);
    expect(await insertCreatingOrder(h.db, testOrder({ out_order_id: "same", appkey: "k2" }))).toBe(true);
    await deleteCreatingOrder(h.db, o.id);
    expect(await findOrderByMerchantRef(h.db, "k1", "same")).toBeUndefined();
    expect(await insertCreatingOrder(h.db, testOrder({ out_order_id: "same" }))).toBe(true);
  });

  it("activation stores the provider's answer; lookups by id, merchant ref and provider id", async () => {
    const o = await insertPendingOrder(h.db, { provider_order_id: "P-1", channel_id: "cx", pay_amount_fen: 101 });
    const stored = await findOrderById(h.db, o.id);
    expect(stored).toMatchObject({
      status: "pending",
      payload: "qr",
      pay_amount_fen: 101,
      price_fen: 100,
      created_at: T0,
    });
    expect(typeof stored!.created_at).toBe("number");
    expect((await findOrderByProviderOrderId(h.db, "cx", "P-1"))?.id).toBe(o.id);
    expect(await findOrderByProviderOrderId(h.db, "other", "P-1")).toBeUndefined();
    expect((await findOrderByMerchantRef(h.db, "k1", o.out_order_id))?.id).toBe(o.id);
  });

  it("orders come back as domain records: booleans, a pay type, fen and times as numbers", async () => {
    const o = testOrder({ type: "qqpay" });
    await insertCreatingOrder(h.db, o);
    await activateOrder(
      h.db,
      o.id,
      { payload: "qr", payAmountFen: 99, providerOrderId: null, expiresAt: T0 + 1, freeAmount: true },
      T0,
    );
    await markOrderPaid(h.db, o.id, { realFen: 99, paidAt: T0 + 2, late: true });
    const stored = await findOrderById(h.db, o.id);
    expect(stored).toMatchObject({ type: "qqpay", free_amount: true, late: true, real_fen: 99, paid_at: T0 + 2 });
    expect(typeof stored!.pay_amount_fen).toBe("number");
    // A wallet the code does not know is corrupt data: reading it fails instead of guessing one.
    await h.db.updateTable("orders").set({ type: "unionpay" }).where("id", "=", o.id).execute();
    await expect(findOrderById(h.db, o.id)).rejects.toThrow(/unknown pay type/);
  });

  it("markOrderPaid wins once; transitions are guarded by the current state", async () => {
    const o = await insertPendingOrder(h.db);
    expect(await markOrderPaid(h.db, o.id, { realFen: 100, paidAt: T0 + 1, late: false })).toBe(true);
    expect(await markOrderPaid(h.db, o.id, { realFen: 100, paidAt: T0 + 2, late: false })).toBe(false);
    expect(await transitionOrder(h.db, o.id, ["pending"], "closed", T0)).toBe(false);
    expect(await findOrderById(h.db, o.id)).toMatchObject({ status: "paid", paid_at: T0 + 1, real_fen: 100 });
  });

  it("reconcile claims: one winner per interval among racing callers, pending orders only", async () => {
    const o = await insertPendingOrder(h.db);
    const race = await Promise.all(Array.from({ length: 6 }, () => claimReconcileSlot(h.db, o.id, T0 + 1_000, 10_000)));
    expect(race.filter(Boolean)).toHaveLength(1);
    expect(await claimReconcileSlot(h.db, o.id, T0 + 10_999, 10_000)).toBe(false);
    expect(await claimReconcileSlot(h.db, o.id, T0 + 11_000, 10_000)).toBe(true);
    expect((await findOrderById(h.db, o.id))!.reconcile_asked_at).toBe(T0 + 11_000);
    await transitionOrder(h.db, o.id, ["pending"], "closed", T0 + 12_000);
    expect(await claimReconcileSlot(h.db, o.id, T0 + 60_000, 10_000)).toBe(false);
  });

  it("the sweeper expires overdue pending orders and drops stale creating claims", async () => {
    const overdue = await insertPendingOrder(h.db, { expires_at: T0 + 10 });
    const fresh = await insertPendingOrder(h.db, { expires_at: T0 + 10_000_000 });
    const stale = testOrder({ created_at: T0 - 1_000_000 });
    await insertCreatingOrder(h.db, stale);
    const expired = await sweepOrders(h.db, T0 + 100, T0 - 10);
    expect(expired).toBeGreaterThanOrEqual(1);
    expect((await findOrderById(h.db, overdue.id))!.status).toBe("expired");
    expect((await findOrderById(h.db, fresh.id))!.status).toBe("pending");
    expect(await findOrderById(h.db, stale.id)).toBeUndefined();
  });

  it("records, last paid channel, today's totals and quota counts", async () => {
    const a = await insertPendingOrder(h.db, { appkey: "stats", custom: "u1", channel_id: "ch-a" });
    const b = await insertPendingOrder(h.db, { appkey: "stats", custom: "u1", channel_id: "ch-b" });
    await insertPendingOrder(h.db, { appkey: "stats", custom: "u1", channel_id: "ch-a" });
    await markOrderPaid(h.db, a.id, { realFen: 100, paidAt: T0 + 10, late: false });
    await markOrderPaid(h.db, b.id, { realFen: 250, paidAt: T0 + 20, late: false });
    expect((await listPaidOrdersByCustom(h.db, "stats", "u1", 10)).map((o) => o.id)).toEqual([b.id, a.id]);
    expect(await lastPaidChannel(h.db, "stats")).toBe("ch-b");
    const totals = await collectedSince(h.db, ["ch-a", "ch-b", "ch-c"], T0);
    expect(totals.get("ch-a")).toBe(100);
    expect(totals.get("ch-b")).toBe(250);
    expect(totals.get("ch-c")).toBeUndefined();
    expect(await countOrdersSince(h.db, "stats", T0)).toBe(3);
    expect(await countOrdersSince(h.db, "stats", T0 + 1)).toBe(0);
  });
});
