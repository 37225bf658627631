import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { insertPendingOrder, T0 } from "@/test/support/order-fixture";
import { insertAuditEntry } from "./console-audit-repo";
import {
  exportAuditPage,
  exportOrdersPage,
  exportPaymentsPage,
  exportRefundsPage,
  type ExportOrderFilter,
  type TimeCursor,
} from "./console-export-repo";
import { markOrderPaid } from "./orders-repo";
import { insertPaymentOnce } from "./payments-repo";
import { claimRefund } from "./refunds-repo";
import type { Order } from "./records";

// The CSV export's keyset pages (lib/console/csv-export.ts): newest first, filtered, scoped, stable under inserts.
describeOnDatabases("console export pages", (dialect) => {
  const h = useTestDatabase(dialect);
  const at = (min: number) => T0 + min * 60_000;

  /** Every page of orders, `size` at a time, optionally inserting between pages. */
  async function allOrders(f: ExportOrderFilter, size: number, between?: () => Promise<void>): Promise<Order[]> {
    const out: Order[] = [];
    let after: TimeCursor | null = null;
    for (;;) {
      const page = await exportOrdersPage(h.db, f, after, size);
      out.push(...page);
      if (page.length < size) return out;
      const last = page.at(-1)!;
      after = { at: last.created_at, id: last.id };
      await between?.();
    }
  }

  it("orders: newest first across pages, ties on time broken by id, scoped and filtered", async () => {
    const ch = `exp-${dialect}`;
    const made: Order[] = [];
    for (let i = 0; i < 7; i++)
      made.push(await insertPendingOrder(h.db, { channel_id: ch, created_at: at(i % 3 === 0 ? 0 : i) }));
    const other = await insertPendingOrder(h.db, { channel_id: ch, appkey: "k2", created_at: at(3) });
    const expected = [...made].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1)).map((o) => o.id);

    const base = { appkeys: ["k1"], channelId: ch, now: at(1) };
    expect((await allOrders(base, 3)).map((o) => o.id)).toEqual(expected);
    expect((await allOrders({ ...base, appkeys: null }, 2)).map((o) => o.id)).toContain(other.id);
    expect(await allOrders({ ...base, appkeys: [] }, 2)).toEqual([]);
    // Another merchant asked for by name within a scope that lacks it: nothing.
    expect(await allOrders({ ...base, appkey: "k2" }, 2)).toEqual([]);

    expect(await markOrderPaid(h.db, made[4]!.id, { realFen: 100, paidAt: at(5), late: false })).toBe(true);
    expect((await allOrders({ ...base, status: "paid" }, 2)).map((o) => o.id)).toEqual([made[4]!.id]);
    // Pending vs expired by the export's clock: expires_at = T0 + 5 min, so at(1) every unpaid order is pending.
    expect(await allOrders({ ...base, status: "expired" }, 2)).toEqual([]);
    expect(await allOrders({ ...base, now: at(10), status: "expired" }, 10)).toHaveLength(6);
    expect((await allOrders({ ...base, createdFrom: at(4), createdBefore: at(6) }, 10)).map((o) => o.id)).toEqual([
      made[5]!.id,
      made[4]!.id,
    ]);
    expect(await allOrders({ ...base, orderId: made[2]!.id }, 10)).toHaveLength(1);
    expect(await allOrders({ ...base, outOrderId: made[2]!.out_order_id }, 10)).toHaveLength(1);
    expect(await allOrders({ ...base, type: "wxpay" }, 10)).toEqual([]);
  });

  it("orders inserted while an export runs do not shift or repeat its later pages", async () => {
    const ch = `mid-${dialect}`;
    const made: Order[] = [];
    for (let i = 0; i < 6; i++) made.push(await insertPendingOrder(h.db, { channel_id: ch, created_at: at(100 + i) }));
    let n = 0;
    const got = await allOrders({ appkeys: ["k1"], channelId: ch, now: at(100) }, 2, async () => {
      // Newer than every row already read: would shift an OFFSET page by one, is simply before a keyset cursor.
      n += 1;
      await insertPendingOrder(h.db, { channel_id: ch, created_at: at(200 + n) });
    });
    expect(got.map((o) => o.id)).toEqual(made.map((o) => o.id).reverse());
    expect(new Set(got.map((o) => o.id)).size).toBe(got.length);
  });

  it("payments: by id newest first; an order's merchant, or the channel of one matched to no order", async () => {
    const o1 = await insertPendingOrder(h.db, { channel_id: "pa", appkey: "k1" });
    const o2 = await insertPendingOrder(h.db, { channel_id: "pb", appkey: "k2" });
    const pay = (trade: string, order: Order | null, channel: string, status: "applied" | "unmatched") =>
      insertPaymentOnce(h.db, {
        channel_id: channel,
        trade_no: `${trade}-${dialect}`,
        order_id: order?.id ?? null,
        amount_fen: 100,
        status,
        reason: null,
        raw: "{}",
        received_at: at(1),
      });
    const mine = await pay("t1", o1, "pa", "applied");
    const theirs = await pay("t2", o2, "pb", "applied");
    const loose = await pay("t3", null, "pa", "unmatched");
    const looseOther = await pay("t4", null, "pb", "unmatched");
    const scope = { appkeys: ["k1"], channelIds: ["pa"] };
    const first = await exportPaymentsPage(h.db, scope, null, 1);
    const second = await exportPaymentsPage(h.db, scope, first[0]!.id, 1);
    const rest = await exportPaymentsPage(h.db, scope, second[0]!.id, 10);
    expect([...first, ...second, ...rest].map((p) => p.id)).toEqual([loose, mine]);
    expect(first[0]).toMatchObject({ order_id: null, appkey: null, amount_fen: 100, status: "unmatched" });
    expect(second[0]).toMatchObject({ order_id: o1.id, appkey: "k1" });
    const all = (await exportPaymentsPage(h.db, { appkeys: null, channelIds: null }, null, 10)).map((p) => p.id);
    expect(all).toEqual([looseOther, loose, theirs, mine]);
    const review = await exportPaymentsPage(h.db, { ...scope, status: "unmatched" }, null, 10);
    expect(review.map((p) => p.id)).toEqual([loose]);
  });

  it("refunds: by id newest first, scoped by the refund's merchant, filtered by status and order", async () => {
    const o1 = await insertPendingOrder(h.db, { channel_id: "ra", appkey: "k1" });
    const o2 = await insertPendingOrder(h.db, { channel_id: "rb", appkey: "k2" });
    const claim = async (o: Order, no: string, status: "requested" | "recorded") => {
      const r = await claimRefund(h.db, {
        orderId: o.id,
        appkey: o.appkey,
        channelId: o.channel_id,
        refundNo: no,
        amountFen: 10,
        paidFen: 100,
        status,
        reason: "=cmd",
        note: "",
        actor: "console:ops",
        now: at(2),
      });
      if (r.kind !== "created") throw new Error(r.kind);
      return r.refund.id;
    };
    const a = await claim(o1, "R1", "requested");
    const b = await claim(o1, "R2", "recorded");
    const c = await claim(o2, "R3", "requested");
    const mine = { appkeys: ["k1"] };
    const page1 = await exportRefundsPage(h.db, mine, null, 1);
    const page2 = await exportRefundsPage(h.db, mine, page1[0]!.id, 1);
    const page3 = await exportRefundsPage(h.db, mine, page2[0]!.id, 1);
    expect([...page1, ...page2, ...page3].map((r) => r.id)).toEqual([b, a]);
    expect(page1[0]).toMatchObject({ refund_no: "R2", status: "recorded", amount_fen: 10, created_at: at(2) });
    expect((await exportRefundsPage(h.db, { appkeys: null }, null, 10)).map((r) => r.id)).toEqual([c, b, a]);
    expect((await exportRefundsPage(h.db, { ...mine, status: "requested" }, null, 10)).map((r) => r.id)).toEqual([a]);
    expect(await exportRefundsPage(h.db, { ...mine, orderId: o2.id }, null, 10)).toEqual([]);
    expect(await exportRefundsPage(h.db, { ...mine, createdFrom: at(3) }, null, 10)).toEqual([]);
  });

  it("audit: the merchant's entries and the operator's own, by id newest first", async () => {
    const entry = (user: string, appkey: string | null, min: number) =>
      insertAuditEntry(h.db, {
        at: at(min),
        user_name: user,
        action: appkey ? "resend" : "login",
        appkey,
        order_id: null,
        payment_id: null,
        reason: null,
        detail: null,
      });
    await entry("ops", null, 1);
    await entry("boss", "k1", 2);
    await entry("boss", "k2", 3);
    await entry("boss", null, 4);
    const f = { appkeys: ["k1"], userName: "ops" };
    const p1 = await exportAuditPage(h.db, f, null, 1);
    const p2 = await exportAuditPage(h.db, f, Number(p1[0]!.id), 5);
    expect([...p1, ...p2].map((e) => [e.user_name, e.appkey])).toEqual([
      ["boss", "k1"],
      ["ops", null],
    ]);
    expect(await exportAuditPage(h.db, { appkeys: null, userName: "x" }, null, 10)).toHaveLength(4);
    expect(await exportAuditPage(h.db, { ...f, from: at(2), before: at(3) }, null, 10)).toHaveLength(1);
  });
});
