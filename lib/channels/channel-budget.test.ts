import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configFileSchema, type Merchant } from "@/lib/config/schema";
import { providerDeps } from "@/lib/context";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { applyPayment } from "@/lib/orders/apply-payment";
import { OrderError } from "@/lib/orders/order-errors";
import { providerFor, type ChannelConfig } from "@/lib/providers/registry";
import { UpstreamError } from "@/lib/providers/types";
import type { DatabaseHandle } from "@/lib/storage/database";
import { placeTestOrder } from "@/test/support/place-test-order";
import { shanghaiDayStart } from "@/lib/time/beijing-day";
import { describeOnDatabases } from "@/test/support/databases";
import { signedCreateParams } from "@/test/support/merchant-client";
import { openTestDatabase, testAppConfig, testContext, type TestContext } from "@/test/support/test-context";
import { budgetEn, budgetZhCN } from "@/lib/i18n/budget-text";
import { budgetStatus, restReasonText } from "./channel-budget";
import { channelBreaker } from "./circuit-breaker";

const notify = "http://127.0.0.1:9/notify";
const MIN = 60_000;
const TTL_S = 300;

/** Each merchant's first channel has the budget under test; the second (`spare`) has none. */
const file = configFileSchema.parse({
  merchants: [
    ["orders", ["counted", "spare"]],
    ["amount", ["capped", "spare"]],
    ["only", ["counted", "capped"]],
    ["rest", ["resting", "spare"]],
    ["err", ["flaky", "spare"]],
    ["race", ["race"]],
  ].map(([appkey, channels]) => ({
    appkey,
    appsecret: `${String(appkey)}-secret`,
    name: String(appkey),
    notify_url: notify,
    return_url: "https://shop.example/r",
    order_ttl_seconds: TTL_S,
    rotation: "random",
    channels,
  })),
  channels: [
    { id: "counted", provider: "sandbox", types: ["alipay"], budget: { daily_orders: 2 } },
    { id: "capped", provider: "sandbox", types: ["alipay"], budget: { daily_amount: "10.00", max_single: "6.00" } },
    { id: "resting", provider: "sandbox", types: ["alipay"], budget: { rest_after_unpaid: 2, rest_minutes: 30 } },
    {
      id: "flaky",
      provider: "sandbox",
      types: ["alipay"],
      budget: { daily_orders: 5, rest_on_provider_error: true, rest_minutes: 10 },
    },
    { id: "race", provider: "sandbox", types: ["alipay"], budget: { daily_orders: 10 } },
    { id: "spare", provider: "sandbox", types: ["alipay"] },
  ],
});

/** Channels whose upstream create fails (the test switches them). */
const failing = new Set<string>();

function budgetContext(db: DatabaseHandle): TestContext {
  const ctx = testContext(db, testAppConfig(file));
  const deps = providerDeps(ctx.repos, (...args) => fetch(...args));
  ctx.provider = (channel: ChannelConfig) => {
    const real = providerFor(channel, deps);
    return {
      ...real,
      createPayment: async (input) => {
        if (failing.has(channel.id)) throw new UpstreamError("SANDBOX：测试中的上游故障");
        return real.createPayment(input);
      },
    };
  };
  ctx.random = () => 0; // the rotation takes the first candidate: the budgeted channel whenever it may
  return ctx;
}

const merchantOf = (ctx: TestContext, appkey: string): Merchant =>
  ctx.config.merchants.find((m) => m.appkey === appkey)!;

let seq = 0;
function place(ctx: TestContext, appkey: string, priceFen: number) {
  const price = (priceFen / 100).toFixed(2);
  return placeTestOrder(ctx, merchantOf(ctx, appkey), {
    protocol: "cloudpay",
    outOrderId: `o-${++seq}`,
    priceRaw: price,
    priceFen,
    type: "alipay",
  });
}

describe("channel budgets in selection and the create", () => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  beforeAll(async () => {
    db = await openTestDatabase("sqlite");
  });
  afterAll(() => db.close());
  beforeEach(() => {
    ctx = budgetContext(db);
    ctx.clock.advance(++seq * 86_400_000); // a fresh Beijing day per test
    failing.clear();
    for (const c of file.channels) channelBreaker().recordSuccess(c.id);
  });

  it("a channel at its daily order count is skipped and the next channel takes the order", async () => {
    const channels = [];
    for (let i = 0; i < 3; i++) channels.push((await place(ctx, "orders", 100)).channel_id);
    expect(channels).toEqual(["counted", "counted", "spare"]);
    expect(await budgetStatus(ctx, "counted")).toMatchObject({ ordersToday: 2, amountTodayFen: 200, atBudget: true });
    // The next Beijing day has a budget of its own.
    ctx.clock.time = shanghaiDayStart(ctx.now()) + 86_400_000;
    expect((await place(ctx, "orders", 100)).channel_id).toBe("counted");
  });

  it("the daily amount and the largest single order: a larger order or one past the day's amount goes elsewhere", async () => {
    expect((await place(ctx, "amount", 601)).channel_id).toBe("spare"); // above max_single 6.00
    expect((await place(ctx, "amount", 600)).channel_id).toBe("capped");
    expect((await place(ctx, "amount", 401)).channel_id).toBe("spare"); // 6.00 + 4.01 > 10.00
    expect((await place(ctx, "amount", 400)).channel_id).toBe("capped");
    expect(await budgetStatus(ctx, "capped")).toMatchObject({ amountTodayFen: 1000, atBudget: true });
    expect((await budgetStatus(ctx, "spare")).limits).toBeNull();
    expect((await budgetStatus(ctx, "spare")).ordersToday).toBe(2);
  });

  it("every channel at its budget: channel-unavailable, which 云端 answers 204 无可用支付方式", async () => {
    await place(ctx, "only", 500);
    await place(ctx, "only", 500);
    await place(ctx, "only", 500);
    await place(ctx, "only", 500);
    await expect(place(ctx, "only", 100)).rejects.toMatchObject({ kind: "channel-unavailable" });
    const only = { appkey: "only", appsecret: "only-secret" };
    await expect(
      createOrder(ctx, signedCreateParams({ price: "1.00", type: "alipay", out_order_id: `c-${++seq}` }, only)),
    ).rejects.toMatchObject({ code: 204 });
  });

  it("rests after N unpaid orders in a row, for rest_minutes from the last one's expiry; a payment ends the rest", async () => {
    const first = await place(ctx, "rest", 100);
    const second = await place(ctx, "rest", 100);
    expect([first.channel_id, second.channel_id]).toEqual(["resting", "resting"]);
    ctx.clock.advance(TTL_S * 1000); // both expired unpaid (not even swept yet)
    expect((await place(ctx, "rest", 100)).channel_id).toBe("spare");
    const status = await budgetStatus(ctx, "resting");
    expect(status.restingUntil).toBe(second.expires_at + 30 * MIN);
    expect(status.restReason).toBe("连续 2 笔订单未支付");
    // The rest ends; the same two orders never rest the channel again.
    ctx.clock.time = second.expires_at + 30 * MIN;
    const third = await place(ctx, "rest", 100);
    expect(third.channel_id).toBe("resting");
    ctx.clock.advance(TTL_S * 1000);
    expect((await place(ctx, "rest", 100)).channel_id).toBe("resting"); // one unpaid is not a run of two
    ctx.clock.advance(TTL_S * 1000);
    expect((await budgetStatus(ctx, "resting")).restingUntil).not.toBeNull();
    // A late payment of one of them ends the rest.
    const paid = await applyPayment(ctx, {
      channelId: "resting",
      tradeNo: `T-${third.id}`,
      amountFen: third.pay_amount_fen,
      match: { by: "order_id", orderId: third.id },
      raw: {},
    });
    expect(paid.outcome).not.toBe("mismatched");
    expect((await budgetStatus(ctx, "resting")).restingUntil).toBeNull();
    expect((await place(ctx, "rest", 100)).channel_id).toBe("resting");
  });

  it("a failed upstream create gives its budget slot back and, when configured, rests the channel", async () => {
    failing.add("flaky");
    const made = await place(ctx, "err", 300);
    expect(made.channel_id).toBe("spare");
    expect(await budgetStatus(ctx, "flaky")).toMatchObject({ ordersToday: 0, amountTodayFen: 0 });
    const status = await budgetStatus(ctx, "flaky");
    expect(status.restingUntil).toBe(ctx.now() + 10 * MIN);
    expect(status.restReason).toBe("上游出错：SANDBOX：测试中的上游故障");
    failing.clear();
    expect((await place(ctx, "err", 300)).channel_id).toBe("spare"); // still resting
    ctx.clock.advance(10 * MIN);
    expect((await place(ctx, "err", 300)).channel_id).toBe("flaky");
    expect(await budgetStatus(ctx, "flaky")).toMatchObject({ ordersToday: 1, amountTodayFen: 300 });
  });

  it("every channel failing upstream: the slot is released and the create fails as before", async () => {
    failing.add("flaky").add("spare");
    await expect(place(ctx, "err", 300)).rejects.toBeInstanceOf(OrderError);
    expect((await budgetStatus(ctx, "flaky")).ordersToday).toBe(0);
  });
});

describe("the budget block of a channel's config", () => {
  const parse = (budget: unknown) =>
    configFileSchema.safeParse({
      merchants: [{ ...file.merchants[0], channels: ["x"] }],
      channels: [{ id: "x", provider: "sandbox", types: ["alipay"], budget }],
    });
  it("defaults rest_minutes and rest_on_provider_error, and refuses bad values with readable messages", () => {
    const ok = parse({ daily_orders: 3 });
    expect(ok.success && ok.data.channels[0]?.budget).toEqual({
      daily_orders: 3,
      rest_minutes: 30,
      rest_on_provider_error: false,
    });
    const messages = (budget: unknown) => {
      const r = parse(budget);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(messages({ daily_amount: "10.001" })).toContainEqual(
      expect.stringMatching(/daily_amount: must be a yuan amount/),
    );
    expect(messages({ daily_orders: 0 })).toContainEqual(expect.stringMatching(/daily_orders: must be at least 1/));
    expect(messages({ rest_after_unpaid: 2.5 })).toContainEqual(
      expect.stringMatching(/rest_after_unpaid: must be a whole number/),
    );
    expect(messages({ daily_order: 5 }).length).toBeGreaterThan(0); // a misspelt key is refused, not ignored
  });
});

describe("the budget texts", () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  it("en has exactly the zh-CN keys and placeholders; a stored reason reads in either", () => {
    expect(Object.keys(budgetEn).sort()).toEqual(Object.keys(budgetZhCN).sort());
    for (const key of Object.keys(budgetZhCN) as (keyof typeof budgetZhCN)[])
      expect(placeholders(budgetEn[key]), key).toEqual(placeholders(budgetZhCN[key]));
    expect(restReasonText("unpaid:5")).toBe("连续 5 笔订单未支付");
    expect(restReasonText("provider-error:HTTP 502", budgetEn)).toBe("Provider error: HTTP 502");
  });
});

describeOnDatabases("channel budget under concurrent creates", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    ctx = budgetContext(db);
  });
  afterAll(() => db.close());

  it("50 concurrent creates on a channel with 10 orders a day: exactly 10 are made, the rest find no channel", async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => place(ctx, "race", 100)));
    const made = results.filter((r) => r.status === "fulfilled");
    expect(made).toHaveLength(10);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toMatchObject({ kind: "channel-unavailable" });
    expect(await budgetStatus(ctx, "race")).toMatchObject({ ordersToday: 10, amountTodayFen: 1000, atBudget: true });
    const stored = await ctx.repos.channelBudgets.ordersOnChannelSince("race", shanghaiDayStart(ctx.now()));
    expect(stored).toEqual({ orders: 10, amountFen: 1000 });
  });
});
