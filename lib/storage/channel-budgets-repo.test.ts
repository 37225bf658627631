import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { insertPendingOrder } from "@/test/support/order-fixture";
import {
  channelDayUse,
  channelRest,
  notePaid,
  releaseChannelBudget,
  reserveChannelBudget,
  restAfterUnpaidRun,
  startRest,
  unpaidExpiriesSince,
} from "./channel-budgets-repo";
import { markOrderPaid, transitionOrder } from "./orders-repo";

const DAY = Date.UTC(2026, 11, 6, 16, 0, 0); // 2026-12-07 00:00 Beijing
const NEXT_DAY = DAY + 86_400_000;

describeOnDatabases("channel budgets repository", (dialect) => {
  const h = useTestDatabase(dialect);

  it("50 concurrent reservations against a limit of 10 orders: exactly 10 pass", async () => {
    const r = { channelId: "c-orders", day: DAY, amountFen: 100, maxOrders: 10, maxAmountFen: null };
    const results = await Promise.all(Array.from({ length: 50 }, () => reserveChannelBudget(h.db, r)));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await channelDayUse(h.db, "c-orders", DAY)).toEqual({ orders: 10, amountFen: 1000 });
    // Another day, another budget.
    expect(await reserveChannelBudget(h.db, { ...r, day: NEXT_DAY })).toBe(true);
  });

  it("an amount limit: concurrent reservations never pass it, and a smaller order still fits the rest", async () => {
    const r = { channelId: "c-amount", day: DAY, amountFen: 300, maxOrders: null, maxAmountFen: 1000 };
    const results = await Promise.all(Array.from({ length: 50 }, () => reserveChannelBudget(h.db, r)));
    expect(results.filter(Boolean)).toHaveLength(3);
    expect((await channelDayUse(h.db, "c-amount", DAY)).amountFen).toBe(900);
    expect(await reserveChannelBudget(h.db, { ...r, amountFen: 101 })).toBe(false);
    expect(await reserveChannelBudget(h.db, { ...r, amountFen: 100 })).toBe(true);
    expect(await channelDayUse(h.db, "c-amount", DAY)).toEqual({ orders: 4, amountFen: 1000 });
    // A first order larger than the whole day's amount never fits.
    expect(await reserveChannelBudget(h.db, { ...r, channelId: "c-big", amountFen: 1001 })).toBe(false);
    expect(await channelDayUse(h.db, "c-big", DAY)).toEqual({ orders: 0, amountFen: 0 });
  });

  it("a released reservation frees its slot and its amount", async () => {
    const r = { channelId: "c-release", day: DAY, amountFen: 500, maxOrders: 2, maxAmountFen: 1000 };
    expect(await reserveChannelBudget(h.db, r)).toBe(true);
    expect(await reserveChannelBudget(h.db, r)).toBe(true);
    expect(await reserveChannelBudget(h.db, r)).toBe(false);
    await releaseChannelBudget(h.db, r);
    expect(await channelDayUse(h.db, "c-release", DAY)).toEqual({ orders: 1, amountFen: 500 });
    expect(await reserveChannelBudget(h.db, r)).toBe(true);
  });

  it("unpaid expiries since a time: expired or pending past expiry, newest first; paid, closed and open skipped", async () => {
    const at = (min: number) => DAY + min * 60_000;
    const ttl = 5 * 60_000;
    const mk = (min: number) =>
      insertPendingOrder(h.db, { channel_id: "c-run", created_at: at(min), expires_at: at(min) + ttl });
    const o1 = await mk(0);
    await mk(1); // pending past its expiry, not swept yet
    const o3 = await mk(2);
    const o4 = await mk(3);
    await mk(30); // still payable
    await transitionOrder(h.db, o1.id, ["pending"], "expired", at(10));
    await markOrderPaid(h.db, o3.id, { realFen: 100, paidAt: at(4), late: false });
    await transitionOrder(h.db, o4.id, ["pending"], "closed", at(4));
    const run = (since: number, limit: number) =>
      unpaidExpiriesSince(h.db, { channelId: "c-run", since, now: at(20), limit });
    expect(await run(0, 5)).toEqual([at(1) + ttl, at(0) + ttl]);
    expect(await run(0, 1)).toEqual([at(1) + ttl]);
    expect(await run(at(0) + ttl, 5)).toEqual([at(1) + ttl]);
    expect(await unpaidExpiriesSince(h.db, { channelId: "c-run", since: 0, now: at(40), limit: 9 })).toHaveLength(3);
  });

  it("a run becomes a rest once under racing callers; a payment ends the rest and the run; a provider error rests", async () => {
    const rest = { channelId: "c-rest", seenRunSince: 0, until: DAY + 60_000, reason: "unpaid:3", now: DAY + 2000 };
    const won = await Promise.all([restAfterUnpaidRun(h.db, rest), restAfterUnpaidRun(h.db, rest)]);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await channelRest(h.db, "c-rest")).toEqual({
      restUntil: DAY + 60_000,
      restReason: "unpaid:3",
      runSince: DAY + 2000,
    });
    // A caller that read the old run_since does not rest it again.
    expect(await restAfterUnpaidRun(h.db, { ...rest, now: DAY + 3000 })).toBe(false);
    await notePaid(h.db, "c-rest", DAY + 3000);
    expect(await channelRest(h.db, "c-rest")).toEqual({ restUntil: null, restReason: null, runSince: DAY + 3000 });
    await notePaid(h.db, "c-paid", DAY); // no row yet: the run counts from this payment
    expect(await channelRest(h.db, "c-paid")).toEqual({ restUntil: null, restReason: null, runSince: DAY });
    await startRest(h.db, { channelId: "c-new", until: DAY + 5000, reason: "provider-error:down", now: DAY });
    expect(await channelRest(h.db, "c-new")).toMatchObject({
      restUntil: DAY + 5000,
      restReason: "provider-error:down",
    });
  });
});
