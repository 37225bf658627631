import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { insertPendingOrder, T0 } from "@/test/support/order-fixture";
import { reviewCandidateOrders } from "./console-export-repo";
import { markOrderPaid, transitionOrder } from "./orders-repo";

// The review page's candidates for a payment kept for review (lib/console/review-candidates.ts).
describeOnDatabases("review candidate orders", (dialect) => {
  const h = useTestDatabase(dialect);

  it("same channel, unpaid, in the window, amount within the tolerance; closest amount first, then newest", async () => {
    const ch = `cand-${dialect}`;
    const at = (min: number) => T0 + min * 60_000;
    const exact = await insertPendingOrder(h.db, { channel_id: ch, pay_amount_fen: 500, created_at: at(10) });
    const near = await insertPendingOrder(h.db, { channel_id: ch, pay_amount_fen: 499, created_at: at(20) });
    const nearOlder = await insertPendingOrder(h.db, { channel_id: ch, pay_amount_fen: 501, created_at: at(5) });
    const closed = await insertPendingOrder(h.db, { channel_id: ch, pay_amount_fen: 502, created_at: at(6) });
    expect(await transitionOrder(h.db, closed.id, ["pending"], "closed", at(7), { closed_at: at(7) })).toBe(true);
    // Never candidates: paid, too far in amount, another channel, another merchant, outside the window.
    const paid = await insertPendingOrder(h.db, { channel_id: ch, pay_amount_fen: 500, created_at: at(11) });
    expect(await markOrderPaid(h.db, paid.id, { realFen: 500, paidAt: at(12), late: false })).toBe(true);
    await insertPendingOrder(h.db, { channel_id: ch, pay_amount_fen: 600, created_at: at(12) });
    await insertPendingOrder(h.db, { channel_id: `${ch}-other`, pay_amount_fen: 500, created_at: at(12) });
    await insertPendingOrder(h.db, { channel_id: ch, appkey: "k2", pay_amount_fen: 500, created_at: at(12) });
    await insertPendingOrder(h.db, { channel_id: ch, pay_amount_fen: 500, created_at: at(-100) });

    const found = await reviewCandidateOrders(
      h.db,
      { appkeys: ["k1"], channelId: ch, amountFen: 500, toleranceFen: 5, since: at(0), until: at(30) },
      10,
    );
    expect(found.map((o) => o.id)).toEqual([exact.id, near.id, nearOlder.id, closed.id]);
    const limited = await reviewCandidateOrders(
      h.db,
      { appkeys: null, channelId: ch, amountFen: 500, toleranceFen: 5, since: at(0), until: at(30) },
      1,
    );
    expect(limited).toHaveLength(1);
    const none = await reviewCandidateOrders(
      h.db,
      { appkeys: [], channelId: ch, amountFen: 500, toleranceFen: 5, since: at(0), until: at(30) },
      10,
    );
    expect(none).toEqual([]);
  });
});
