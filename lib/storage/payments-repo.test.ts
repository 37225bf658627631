import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { T0 } from "@/test/support/order-fixture";
import { findPayment, insertPaymentOnce, listPaymentsForReview, setPaymentOutcome } from "./payments-repo";

describeOnDatabases("payments repository", (dialect) => {
  const h = useTestDatabase(dialect);

  it("payments are unique per channel and trade number", async () => {
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
});
