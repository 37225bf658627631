import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { T0 } from "@/test/support/order-fixture";
import {
  claimRefund,
  findRefundByNo,
  findRefundsByMerchantNo,
  listRefundsForOrder,
  listStaleRequestedRefunds,
  refundedFenByOrder,
  settleRefund,
  type RefundClaim,
} from "./refunds-repo";

let seq = 0;
const claim = (orderId: string, over: Partial<RefundClaim> = {}): RefundClaim => ({
  orderId,
  appkey: "k1",
  channelId: "c1",
  refundNo: `R${++seq}`,
  amountFen: 100,
  paidFen: 1000,
  status: "requested",
  reason: "",
  note: "",
  actor: "test",
  now: T0,
  ...over,
});

describeOnDatabases("refunds repository", (dialect) => {
  const h = useTestDatabase(dialect);

  it("20 concurrent refunds of 1.00 on a 10.00 order: exactly 10 are reserved", async () => {
    const orderId = `ORDC20${dialect}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => claimRefund(h.db, claim(orderId))));
    expect(results.filter((r) => r.kind === "created")).toHaveLength(10);
    expect(results.filter((r) => r.kind === "exceeds")).toHaveLength(10);
    expect(await listRefundsForOrder(h.db, orderId)).toHaveLength(10);
    expect((await refundedFenByOrder(h.db, [orderId])).get(orderId)).toBe(1000);
  });

  it("the same refund number concurrently: one row, the others find it", async () => {
    const orderId = `ORDSAME${dialect}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => claimRefund(h.db, claim(orderId, { refundNo: "SAME", amountFen: 300 }))),
    );
    expect(results.filter((r) => r.kind === "created")).toHaveLength(1);
    expect(results.filter((r) => r.kind === "existing")).toHaveLength(9);
    expect(await listRefundsForOrder(h.db, orderId)).toHaveLength(1);
    expect((await refundedFenByOrder(h.db, [orderId])).get(orderId)).toBe(300);
    // Another amount under the same number changes nothing: the caller sees the existing refund's amount.
    const other = await claimRefund(h.db, claim(orderId, { refundNo: "SAME", amountFen: 200 }));
    expect(other).toMatchObject({ kind: "existing", refund: { amount_fen: 300 } });
  });

  it("a failed refund frees its amount; the same number and amount asks again", async () => {
    const orderId = `ORDFAIL${dialect}`;
    const first = await claimRefund(h.db, claim(orderId, { refundNo: "F1", amountFen: 1000 }));
    if (first.kind !== "created") throw new Error(first.kind);
    expect((await claimRefund(h.db, claim(orderId, { amountFen: 1 }))).kind).toBe("exceeds");
    expect(await listStaleRequestedRefunds(h.db, T0, 100)).toEqual(
      expect.arrayContaining([expect.objectContaining({ refund_no: "F1" })]),
    );
    const failed = await settleRefund(h.db, first.refund.id, {
      status: "failed",
      providerRefundId: null,
      failure: "余额不足",
      now: T0 + 1,
    });
    expect(failed).toMatchObject({ status: "failed", failure: "余额不足" });
    // Settling twice changes nothing (and frees nothing twice).
    await settleRefund(h.db, first.refund.id, { status: "failed", providerRefundId: null, failure: "x", now: T0 + 2 });
    expect((await refundedFenByOrder(h.db, [orderId])).get(orderId)).toBeUndefined();
    const again = await claimRefund(h.db, claim(orderId, { refundNo: "F1", amountFen: 1000, now: T0 + 3 }));
    expect(again).toMatchObject({ kind: "retried", refund: { status: "requested", failure: null } });
    const ok = await settleRefund(h.db, first.refund.id, {
      status: "succeeded",
      providerRefundId: "P1",
      failure: null,
      now: T0 + 4,
    });
    expect(ok).toMatchObject({ status: "succeeded", provider_refund_id: "P1" });
    expect(await findRefundByNo(h.db, orderId, "F1")).toMatchObject({ status: "succeeded", amount_fen: 1000 });
    expect((await claimRefund(h.db, claim(orderId, { amountFen: 1 }))).kind).toBe("exceeds");
  });

  it("a merchant's refund by its number alone: found, ambiguous across two orders, never another merchant's", async () => {
    const [a, b] = [`ORDBYNOA${dialect}`, `ORDBYNOB${dialect}`];
    const no = `RN${dialect}${seq}`;
    await claimRefund(h.db, claim(a, { refundNo: no }));
    await claimRefund(h.db, claim(a, { refundNo: `${no}x`, appkey: "k2" }));
    expect(await findRefundsByMerchantNo(h.db, "k1", no)).toEqual([
      expect.objectContaining({ order_id: a, refund_no: no }),
    ]);
    expect(await findRefundsByMerchantNo(h.db, "k2", no)).toEqual([]);
    expect(await findRefundsByMerchantNo(h.db, "k1", `${no}x`)).toEqual([]);
    await claimRefund(h.db, claim(b, { refundNo: no }));
    const both = await findRefundsByMerchantNo(h.db, "k1", no);
    expect(both.map((r) => r.order_id)).toEqual([a, b]);
    expect(await findRefundsByMerchantNo(h.db, "k1", no, 1)).toHaveLength(1);
  });

  it("a recorded refund holds its amount without any settling", async () => {
    const orderId = `ORDREC${dialect}`;
    const r = await claimRefund(h.db, claim(orderId, { status: "recorded", amountFen: 400, note: "微信转账" }));
    expect(r).toMatchObject({ kind: "created", refund: { status: "recorded", note: "微信转账" } });
    expect((await refundedFenByOrder(h.db, [orderId])).get(orderId)).toBe(400);
  });
});
