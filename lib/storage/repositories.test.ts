import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, postgresUnavailableReason, type TestDialect } from "@/test/support/test-context";
import type { DatabaseHandle } from "./database";
import { insertDemoReceipt, listDemoReceipts } from "./demo-receipts-repo";
import {
  claimNotification,
  dueNotificationIds,
  finishAttempt,
  findNotificationByOrder,
  insertNotification,
  listAttempts,
  resendNotification,
} from "./notifications-repo";
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
  type NewOrder,
} from "./orders-repo";
import { findPayment, insertPaymentOnce, listPaymentsForReview, setPaymentOutcome } from "./payments-repo";

const T0 = 1_800_000_000_000;
const pgReason = await postgresUnavailableReason();
if (pgReason) console.warn(`[repositories] PostgreSQL suite skipped: ${pgReason}`);

let seq = 0;
function order(over: Partial<NewOrder> = {}): NewOrder {
  seq += 1;
  return {
    id: `ORD${seq}${Math.random().toString(36).slice(2, 8)}`,
    appkey: "k1",
    out_order_id: `out-${seq}-${Math.random()}`,
    custom: "",
    type: "alipay",
    price_raw: "1.00",
    price_fen: 100,
    pay_amount_fen: 100,
    free_amount: 0,
    request_sign: "s",
    channel_id: "c1",
    provider_order_id: null,
    payload: "",
    status: "creating",
    late: 0,
    real_fen: null,
    created_at: T0,
    expires_at: T0 + 300_000,
    paid_at: null,
    closed_at: null,
    reconcile_asked_at: null,
    updated_at: T0,
    ...over,
  };
}

describe.each<TestDialect>(["sqlite", "postgres"])("repositories on %s", (dialect) => {
  const skip = dialect === "postgres" && pgReason !== null;
  let h: DatabaseHandle;
  beforeAll(async () => {
    if (!skip) h = await openTestDatabase(dialect);
  });
  afterAll(async () => {
    if (!skip) await h.close();
  });

  async function pendingOrder(over: Partial<NewOrder> = {}) {
    const o = order(over);
    expect(await insertCreatingOrder(h.db, o)).toBe(true);
    await activateOrder(
      h.db,
      o.id,
      {
        payload: "qr",
        payAmountFen: o.pay_amount_fen,
        providerOrderId: o.provider_order_id ?? null,
        expiresAt: o.expires_at,
        freeAmount: false,
      },
      T0,
    );
    return o;
  }

  it.skipIf(skip)(
    "the (appkey, out_order_id) claim is unique; a failed create can be dropped and retried",
    async () => {
      const o = order({ out_order_id: "same" });
      expect(await insertCreatingOrder(h.db, o)).toBe(true);
      expect(await insertCreatingOrder(h.db, order({ out_order_id: "same" }))).toBe(false);
      expect(await insertCreatingOrder(h.db, order({ out_order_id: "same", appkey: "k2" }))).toBe(true);
      await deleteCreatingOrder(h.db, o.id);
      expect(await findOrderByMerchantRef(h.db, "k1", "same")).toBeUndefined();
      expect(await insertCreatingOrder(h.db, order({ out_order_id: "same" }))).toBe(true);
    },
  );

  it.skipIf(skip)("activation stores the provider's answer; lookups by id, merchant ref and provider id", async () => {
    const o = await pendingOrder({ provider_order_id: "P-1", channel_id: "cx", pay_amount_fen: 101 });
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

  it.skipIf(skip)("markOrderPaid wins once; transitions are guarded by the current state", async () => {
    const o = await pendingOrder();
    expect(await markOrderPaid(h.db, o.id, { realFen: 100, paidAt: T0 + 1, late: false })).toBe(true);
    expect(await markOrderPaid(h.db, o.id, { realFen: 100, paidAt: T0 + 2, late: false })).toBe(false);
    expect(await transitionOrder(h.db, o.id, ["pending"], "closed", T0)).toBe(false);
    expect(await findOrderById(h.db, o.id)).toMatchObject({ status: "paid", paid_at: T0 + 1, real_fen: 100 });
  });

  it.skipIf(skip)("reconcile claims: one winner per interval among racing callers, pending orders only", async () => {
    const o = await pendingOrder();
    const race = await Promise.all(Array.from({ length: 6 }, () => claimReconcileSlot(h.db, o.id, T0 + 1_000, 10_000)));
    expect(race.filter(Boolean)).toHaveLength(1);
    expect(await claimReconcileSlot(h.db, o.id, T0 + 10_999, 10_000)).toBe(false);
    expect(await claimReconcileSlot(h.db, o.id, T0 + 11_000, 10_000)).toBe(true);
    expect((await findOrderById(h.db, o.id))!.reconcile_asked_at).toBe(T0 + 11_000);
    await transitionOrder(h.db, o.id, ["pending"], "closed", T0 + 12_000);
    expect(await claimReconcileSlot(h.db, o.id, T0 + 60_000, 10_000)).toBe(false);
  });

  it.skipIf(skip)("the sweeper expires overdue pending orders and drops stale creating claims", async () => {
    const overdue = await pendingOrder({ expires_at: T0 + 10 });
    const fresh = await pendingOrder({ expires_at: T0 + 10_000_000 });
    const stale = order({ created_at: T0 - 1_000_000 });
    await insertCreatingOrder(h.db, stale);
    const expired = await sweepOrders(h.db, T0 + 100, T0 - 10);
    expect(expired).toBeGreaterThanOrEqual(1);
    expect((await findOrderById(h.db, overdue.id))!.status).toBe("expired");
    expect((await findOrderById(h.db, fresh.id))!.status).toBe("pending");
    expect(await findOrderById(h.db, stale.id)).toBeUndefined();
  });

  it.skipIf(skip)("records, last paid channel, today's totals and quota counts", async () => {
    const a = await pendingOrder({ appkey: "stats", custom: "u1", channel_id: "ch-a" });
    const b = await pendingOrder({ appkey: "stats", custom: "u1", channel_id: "ch-b" });
    await pendingOrder({ appkey: "stats", custom: "u1", channel_id: "ch-a" });
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

  it.skipIf(skip)("payments are unique per channel and trade number", async () => {
    const p = {
      channel_id: "c1",
      trade_no: `T-${dialect}`,
      order_id: null,
      amount_fen: 100,
      status: "unmatched" as const,
      reason: null,
      raw: "{}",
      received_at: T0,
    };
    const id = await insertPaymentOnce(h.db, p);
    expect(id).toEqual(expect.any(Number));
    expect(await insertPaymentOnce(h.db, p)).toBeNull();
    expect(await insertPaymentOnce(h.db, { ...p, channel_id: "c2" })).toEqual(expect.any(Number));
    await setPaymentOutcome(h.db, id!, { status: "mismatched", orderId: "ORDX", reason: "amount_mismatch" });
    expect(await findPayment(h.db, "c1", p.trade_no)).toMatchObject({ status: "mismatched", order_id: "ORDX" });
    expect((await listPaymentsForReview(h.db)).some((r) => r.trade_no === p.trade_no)).toBe(true);
  });

  it.skipIf(skip)("notification leases: one claimant, owner-guarded finish, resend after failure", async () => {
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

  it.skipIf(skip)("demo receipts", async () => {
    await insertDemoReceipt(h.db, { orderId: "D1", outOrderId: "o", fields: { a: "1" }, verified: true, now: T0 });
    expect(await listDemoReceipts(h.db, "D1")).toMatchObject([{ order_id: "D1", verified: 1, fields: '{"a":"1"}' }]);
  });
});
