import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeliveryPool } from "@/lib/merchant-notify/delivery-pool";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import { applyPayment } from "@/lib/orders/apply-payment";
import type { DatabaseHandle } from "@/lib/storage/database";
import { startWebhookReceiver, type SinkEmulator } from "@/test/support/emulators";
import { FakeShop } from "@/test/support/fake-shop";
import { insertPendingOrder } from "@/test/support/order-fixture";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import { clearAlert, raiseAlert, sendTestAlert } from "./alerts";
import { startAlertWork } from "./background";
import { AlertDeliverer } from "./deliverer";
import { evaluateShopNotifications } from "./triggers";

/**
 * The alerts end to end on SQLite: raise/clear through the outbox and the delivery loop to a webhook receiver that
 * verifies every signature; a dead sink retried while a payment and its shop notification go through untouched.
 * (Both databases: lib/storage/alerts-repo.test.ts.)
 */

const SECRET = "whsec-0123456789abcdef";
let db: DatabaseHandle;
let rx: SinkEmulator;
let shop: FakeShop;
/** Added to the real clock: the webhook receiver checks signatures against the same shifted time. */
let offset = 0;

beforeAll(async () => {
  rx = await startWebhookReceiver(SECRET, () => (Date.now() + offset) / 1000);
  shop = await new FakeShop().start();
});
afterAll(async () => {
  await rx.close();
  await shop.stop();
});
beforeEach(async () => {
  db = await openTestDatabase("sqlite");
  rx.received.length = 0;
  rx.mode = "up";
  shop.behaviour = "success";
  offset = 0;
  return () => db.close();
});

function alertsContext(alerts: Record<string, unknown>): TestContext {
  const file = testConfigFile();
  const merchant = { ...file.merchants[0]!, notify_url: shop.notifyUrl };
  const config = Object.assign(testAppConfig({ ...file, merchants: [merchant] }), { alerts });
  return testContext(db, config, { now: () => Date.now() + offset });
}

const webhook = (over: Record<string, unknown> = {}) => ({
  id: "hook",
  type: "webhook",
  url: `${rx.url}/hook`,
  secret: SECRET,
  ...over,
});
const kinds = () => rx.received.map((c) => (c.json as { kind: string }).kind);

describe("raiseAlert / clearAlert through the outbox", () => {
  it("alerts once per condition until it clears, then once recovered", async () => {
    const ctx = alertsContext({ sinks: [webhook()] });
    const deliverer = new AlertDeliverer(ctx, { owner: "t", timeoutMs: 1000 });
    const alert = { condition: "notify:k1", severity: "critical" as const, title: "通知失败", body: "x" };
    const first = await Promise.all([raiseAlert(ctx, alert), raiseAlert(ctx, alert), raiseAlert(ctx, alert)]);
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(await raiseAlert(ctx, alert)).toBe(false);
    deliverer.kick();
    await deliverer.idle();
    expect(kinds()).toEqual(["raised"]);
    expect(await clearAlert(ctx, "notify:k1")).toBe(true);
    expect(await clearAlert(ctx, "notify:k1")).toBe(false);
    deliverer.kick();
    await deliverer.idle();
    expect(kinds()).toEqual(["raised", "recovered"]);
    const history = await ctx.repos.alerts.recentAlerts(10);
    expect(history.map((a) => [a.kind, a.deliveries.map((d) => [d.status, d.last_answer])])).toEqual([
      ["recovered", [["delivered", "200 ok"]]],
      ["raised", [["delivered", "200 ok"]]],
    ]);
    await deliverer.stop();
  });

  it("keeps to each sink's minimum severity, its rate and the quiet hours", async () => {
    // 2026-12-04 15:00 Beijing: inside 14:00-16:00 quiet hours.
    offset = Date.UTC(2026, 11, 4, 7, 0, 0) - Date.now();
    const ctx = alertsContext({
      sinks: [webhook({ min_severity: "warning", rate_per_hour: 1 })],
      quiet_hours: { from: "14:00", to: "16:00", allow: "critical" },
    });
    const deliverer = new AlertDeliverer(ctx, { owner: "t", timeoutMs: 1000 });
    await raiseAlert(ctx, { condition: "a", severity: "info", title: "below the minimum", body: "" });
    await raiseAlert(ctx, { condition: "b", severity: "warning", title: "held by quiet hours", body: "" });
    await raiseAlert(ctx, { condition: "c", severity: "critical", title: "through quiet hours", body: "" });
    await raiseAlert(ctx, { condition: "d", severity: "critical", title: "over the rate", body: "" });
    deliverer.kick();
    await deliverer.idle();
    const titles = () => rx.received.map((c) => (c.json as { title: string }).title);
    expect(titles()).toEqual(["through quiet hours"]);
    // After the quiet hours and an hour later (the rate window), the held ones go, oldest first, none lost.
    offset += 3 * 3_600_000;
    deliverer.kick();
    await deliverer.idle();
    expect(titles()).toEqual(["through quiet hours", "held by quiet hours"]);
    offset += 3_600_000;
    deliverer.kick();
    await deliverer.idle();
    expect(titles()).toEqual(["through quiet hours", "held by quiet hours", "over the rate"]);
    await deliverer.stop();
  });

  it("a dead sink is retried, and meanwhile a payment and its shop notification go through", async () => {
    const ctx = alertsContext({ sinks: [webhook()] });
    rx.mode = "hang";
    const deliverer = new AlertDeliverer(ctx, { owner: "t", timeoutMs: 1500 }).start();
    await sendTestAlert(ctx);
    await raiseAlert(ctx, { condition: "x", severity: "critical", title: "while down", body: "" });
    // The sink hangs with a send in flight; a payment now must not wait for it.
    await new Promise((r) => setTimeout(r, 100));
    expect(deliverer.busy).toBe(1);
    const pool = new DeliveryPool(ctx.repos, {
      owner: "p",
      now: ctx.now,
      urlPolicy: () => ({ allowedHosts: ["127.0.0.1"] }),
      timeoutMs: 2000,
      log: pino({ level: "silent" }),
    });
    const order = await insertPendingOrder(db.db, { id: "ALRT1", channel_id: "sandbox" });
    const started = Date.now();
    const applied = await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: "T-ALRT1",
      amountFen: order.pay_amount_fen,
      match: { by: "order_id", orderId: order.id },
      raw: {},
    });
    expect(applied.outcome).toBe("applied");
    pool.kick();
    await pool.idle();
    expect(shop.verifiedFor(order.id)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await ctx.repos.notifications.findNotificationByOrder(order.id))?.status).toBe("delivered");
    // The sink comes back; after the retry delay both alerts arrive, retried (attempt 2+), none lost.
    await new Promise((r) => setTimeout(r, 1600));
    rx.mode = "up";
    offset += 11_000;
    deliverer.kick();
    await deliverer.idle();
    offset += 11_000;
    deliverer.kick();
    await deliverer.idle();
    expect(kinds().sort()).toEqual(["raised", "test"]);
    const retried = (await ctx.repos.alerts.recentAlerts(5)).flatMap((a) => a.deliveries);
    expect(retried.every((d) => d.status === "delivered")).toBe(true);
    expect(Math.max(...retried.map((d) => d.attempts))).toBeGreaterThanOrEqual(2);
    await deliverer.stop();
    await pool.stop();
  });
});

describe("the shop-notifications trigger", () => {
  it("raises once after N failures in a row, naming the doctor's class, and recovers once", async () => {
    const ctx = alertsContext({
      sinks: [webhook()],
      triggers: { notify_failures_in_row: 2, notify_oldest_minutes: 60 },
    });
    const deliverer = new AlertDeliverer(ctx, { owner: "t", timeoutMs: 1000 });
    const opts = {
      owner: "d",
      now: ctx.now,
      urlPolicy: () => ({ allowedHosts: ["127.0.0.1"] }),
      timeoutMs: 2000,
      log: pino({ level: "silent" }),
    };
    const order = await insertPendingOrder(db.db, { id: "ALRT2", channel_id: "sandbox" });
    await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: "T-ALRT2",
      amountFen: order.pay_amount_fen,
      match: { by: "order_id", orderId: order.id },
      raw: {},
    });
    shop.behaviour = "fail";
    expect(await dispatchDue(ctx.repos.notifications, opts)).toBe(1);
    await evaluateShopNotifications(ctx);
    expect(await ctx.repos.alerts.activeConditions("notify:")).toEqual([]);
    offset += 16_000;
    expect(await dispatchDue(ctx.repos.notifications, opts)).toBe(1);
    await evaluateShopNotifications(ctx);
    await evaluateShopNotifications(ctx);
    deliverer.kick();
    await deliverer.idle();
    expect(kinds()).toEqual(["raised"]);
    expect((rx.received[0]?.json as { body: string }).body).toContain("应答不是 success");
    shop.behaviour = "success";
    offset += 16_000;
    expect(await dispatchDue(ctx.repos.notifications, opts)).toBe(1);
    await evaluateShopNotifications(ctx);
    await evaluateShopNotifications(ctx);
    deliverer.kick();
    await deliverer.idle();
    expect(kinds()).toEqual(["raised", "recovered"]);
  });
});

describe("the alert background work", () => {
  it("runs the triggers and delivers what they raise, on its own", async () => {
    // No daily summary: whether it is due would depend on the hour the test runs.
    const ctx = alertsContext({ sinks: [webhook()], triggers: { daily_summary_hour: null } });
    const order = await insertPendingOrder(db.db, { id: "ALRT3", channel_id: "sandbox" });
    await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: "T-ALRT3",
      amountFen: order.pay_amount_fen + 5,
      match: { by: "order_id", orderId: order.id },
      raw: {},
    });
    const work = startAlertWork(ctx, "w", 50);
    for (let i = 0; i < 100 && rx.received.length === 0; i++) await new Promise((r) => setTimeout(r, 30));
    await work.stop();
    expect(kinds()).toEqual(["event"]);
    expect((rx.received[0]?.json as { condition: string }).condition).toMatch(/^review:/);
  });
});
