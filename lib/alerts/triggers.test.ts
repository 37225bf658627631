import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "@/lib/channels/circuit-breaker";
import { applyPayment } from "@/lib/orders/apply-payment";
import { databaseForEachTest, sandboxAndPhoneConfigFile } from "@/test/support/monitor-channels";
import { insertPendingOrder } from "@/test/support/order-fixture";
import { testAppConfig, testConfigFile, testContext, type TestContext } from "@/test/support/test-context";
import { shanghaiDayStart } from "@/lib/time/beijing-day";
import { quietUntil } from "./quiet-hours";
import { evaluateBreakers, evaluateBudgets, evaluateDailySummary, evaluateMonitors, evaluateReview } from "./triggers";

/** Each trigger fires once and recovers once (the alerts table is the record of what was said). */

const db = databaseForEachTest();

function context(): TestContext {
  const file = sandboxAndPhoneConfigFile();
  return testContext(db, Object.assign(testAppConfig(file), { alerts: { triggers: { daily_summary_hour: 9 } } }));
}

async function said(ctx: TestContext): Promise<string[]> {
  return (await ctx.repos.alerts.recentAlerts(50)).reverse().map((a) => `${a.kind} ${a.condition ?? ""}`);
}

describe("alert triggers", () => {
  it("a V免签 monitor that stops calling in is offline once, then back once", async () => {
    const ctx = context();
    await evaluateMonitors(ctx);
    expect(await said(ctx)).toEqual([]); // never called in: not set up yet, not "offline"
    await ctx.repos.monitors.recordHeartbeat("phone", ctx.now());
    await evaluateMonitors(ctx);
    ctx.clock.advance(61_000);
    await evaluateMonitors(ctx);
    await evaluateMonitors(ctx);
    await ctx.repos.monitors.recordHeartbeat("phone", ctx.now());
    await evaluateMonitors(ctx);
    await evaluateMonitors(ctx);
    expect(await said(ctx)).toEqual(["raised monitor:phone", "recovered monitor:phone"]);
  });

  it("a channel's breaker open once and closed once, with the upstream's last error", async () => {
    const ctx = context();
    const breaker = new CircuitBreaker(2, 60_000);
    const lastError = () => "HTTP 502 from the provider";
    breaker.recordFailure("sandbox", ctx.now());
    breaker.recordFailure("sandbox", ctx.now());
    await evaluateBreakers(ctx, breaker, lastError);
    await evaluateBreakers(ctx, breaker, lastError);
    breaker.recordSuccess("sandbox");
    await evaluateBreakers(ctx, breaker, lastError);
    expect(await said(ctx)).toEqual(["raised breaker:sandbox", "recovered breaker:sandbox"]);
    expect((await ctx.repos.alerts.recentAlerts(5)).at(-1)?.body).toContain("HTTP 502 from the provider");
  });

  it("a channel at its budget alerts once until the next Beijing day, then recovers once", async () => {
    const file = testConfigFile({
      channels: [
        { id: "sandbox", provider: "sandbox", types: ["alipay"], budget: { daily_orders: 2, daily_amount: "50.00" } },
      ] as ReturnType<typeof testConfigFile>["channels"],
    });
    const ctx = testContext(db, testAppConfig(file));
    const day = shanghaiDayStart(ctx.now());
    await evaluateBudgets(ctx);
    const slot = { channelId: "sandbox", day, amountFen: 100, maxOrders: 2, maxAmountFen: 5000 };
    expect(await ctx.repos.channelBudgets.reserveChannelBudget(slot)).toBe(true);
    await evaluateBudgets(ctx);
    expect(await said(ctx)).toEqual([]);
    expect(await ctx.repos.channelBudgets.reserveChannelBudget(slot)).toBe(true);
    await evaluateBudgets(ctx);
    await evaluateBudgets(ctx);
    expect(await said(ctx)).toEqual(["raised budget:sandbox"]);
    expect((await ctx.repos.alerts.recentAlerts(1))[0]?.body).toContain(
      "今日已接 2 笔，金额 ¥2.00（限额：2 笔，¥50.00）",
    );
    ctx.clock.time = day + 86_400_000;
    await evaluateBudgets(ctx);
    await evaluateBudgets(ctx);
    expect(await said(ctx)).toEqual(["raised budget:sandbox", "recovered budget:sandbox"]);
  });

  it("a channel resting after a provider error alerts once with the reason, and recovers once", async () => {
    const file = testConfigFile({
      channels: [
        { id: "sandbox", provider: "sandbox", types: ["alipay"], budget: { rest_on_provider_error: true } },
      ] as ReturnType<typeof testConfigFile>["channels"],
    });
    const ctx = testContext(db, testAppConfig(file));
    const rest = {
      channelId: "sandbox",
      until: ctx.now() + 30 * 60_000,
      reason: "provider-error:HTTP 502",
      now: ctx.now(),
    };
    await ctx.repos.channelBudgets.startRest(rest);
    await evaluateBudgets(ctx);
    await evaluateBudgets(ctx);
    expect((await ctx.repos.alerts.recentAlerts(1))[0]?.body).toContain("原因：上游出错：HTTP 502");
    ctx.clock.advance(30 * 60_000);
    await evaluateBudgets(ctx);
    expect(await said(ctx)).toEqual(["raised budget:sandbox", "recovered budget:sandbox"]);
  });

  it("a payment kept for review alerts once", async () => {
    const ctx = context();
    const order = await insertPendingOrder(db.db, { id: "REV1", channel_id: "sandbox" });
    const kept = await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: "T-REV1",
      amountFen: order.pay_amount_fen + 1,
      match: { by: "order_id", orderId: order.id },
      raw: {},
    });
    expect(kept.outcome).toBe("mismatched");
    await evaluateReview(ctx);
    await evaluateReview(ctx);
    expect((await said(ctx)).filter((s) => s.startsWith("event review:"))).toHaveLength(1);
  });

  it("the daily summary goes once, at the set Beijing hour, with yesterday's figures", async () => {
    const ctx = context();
    ctx.clock.time = Date.UTC(2026, 11, 4, 0, 30); // 08:30 Beijing: not yet
    await evaluateDailySummary(ctx);
    expect(await said(ctx)).toEqual([]);
    ctx.clock.time = Date.UTC(2026, 11, 4, 1, 5); // 09:05
    await evaluateDailySummary(ctx);
    ctx.clock.advance(3_600_000);
    await evaluateDailySummary(ctx);
    expect(await said(ctx)).toEqual(["summary summary:2026-12-03"]);
    expect((await ctx.repos.alerts.recentAlerts(1))[0]?.body).toMatch(/订单 0 笔，已支付 0 笔，金额 ¥0\.00/);
  });
});

describe("quiet hours (Beijing time)", () => {
  const at = (h: number, m = 0) => Date.UTC(2026, 11, 4, h - 8, m);
  it("a window within the day, one across midnight, and an empty one", () => {
    expect(quietUntil(at(15), { from: "14:00", to: "16:00" })).toBe(at(16));
    expect(quietUntil(at(16), { from: "14:00", to: "16:00" })).toBeNull();
    expect(quietUntil(at(23, 30), { from: "23:00", to: "08:00" })).toBe(at(32));
    expect(quietUntil(at(7), { from: "23:00", to: "08:00" })).toBe(at(8));
    expect(quietUntil(at(12), { from: "23:00", to: "08:00" })).toBeNull();
    expect(quietUntil(at(12), { from: "08:00", to: "08:00" })).toBeNull();
    expect(quietUntil(at(12), undefined)).toBeNull();
  });
});
