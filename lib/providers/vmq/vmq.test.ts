import { afterAll, beforeAll, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config/schema";
import { loadChannelHealth } from "@/lib/console/channel-health";
import type { CloudpayError } from "@/lib/merchant-api/cloudpay/cloudpay-codes";
import { chooseType } from "@/lib/orders/choose-type";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { closeOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";
import { availableTypes } from "@/lib/channels/channel-choice";
import type { DatabaseHandle } from "@/lib/storage/database";
import { placeTestOrder } from "@/test/support/place-test-order";
import { startVmqMonitor, type VmqMonitor } from "@/test/support/emulators";
import type { RunningServer } from "@/test/support/http-server";
import { signedCloseParams, signedCreateParams } from "@/test/support/merchant-client";
import { startPaydeskServer } from "@/test/support/paydesk-server";
import { openTestDatabase, testAppConfig, testContext, type TestContext } from "@/test/support/test-context";
import { describeOnDatabases } from "@/test/support/databases";

const KEY = "vmq-app-key";
const SHOP = { appkey: "vshop", appsecret: "vshop-secret" };
const ONE = { appkey: "vone", appsecret: "vone-secret" };
const WX_CODE = "wxp://f2f0free-amount-code";
const ALI_CODE = "https://qr.alipay.com/fkx0free";

const file = configFileSchema.parse({
  merchants: [
    // Two vmq channels: when one has no free amount left, the other takes the order.
    {
      ...SHOP,
      name: "V Shop",
      notify_url: "http://127.0.0.1:9/notify",
      return_url: "https://shop.example/r",
      late_grace_seconds: 600,
      channels: ["vmq1", "vmq2"],
    },
    {
      ...ONE,
      name: "One",
      notify_url: "http://127.0.0.1:9/notify",
      return_url: "https://shop.example/r",
      late_grace_seconds: 600,
      channels: ["vmq1"],
    },
  ],
  channels: [
    {
      id: "vmq1",
      provider: "vmq",
      types: ["wxpay", "alipay"],
      key: KEY,
      codes: { wxpay: WX_CODE, alipay: ALI_CODE },
      fixed_codes: [{ type: "alipay", price: "6.66", content: "https://qr.alipay.com/fixed666" }],
      max_offsets: 3,
    },
    {
      id: "vmq2",
      provider: "vmq",
      types: ["wxpay"],
      key: "other-key",
      codes: { wxpay: "wxp://second" },
      offset: "down",
      max_offsets: 2,
    },
  ],
});

describeOnDatabases("V免签 channel", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let paydesk: RunningServer;
  let app: VmqMonitor;
  let app2: VmqMonitor;
  let seq = 0;

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    ctx = testContext(db, testAppConfig(file));
    paydesk = await startPaydeskServer(ctx);
    app = startVmqMonitor({ host: `${paydesk.url}/api/vmq/vmq1`, key: KEY, clock: ctx.clock.now });
    app2 = startVmqMonitor({ host: `${paydesk.url}/api/vmq/vmq2`, key: "other-key", clock: ctx.clock.now });
  });
  afterAll(async () => {
    await paydesk.close();
    await db.close();
  });

  const create = (price: string, type = "wxpay", merchant = SHOP) =>
    createOrder(ctx, signedCreateParams({ price, type, out_order_id: `${dialect}-${++seq}` }, merchant));

  /** Moves the clock on far enough that every earlier order's amount is free again, and beats both apps. */
  async function freshStart(): Promise<void> {
    ctx.clock.advance(3600_000);
    expect((await app.heartbeat()).code).toBe(1);
    expect((await app2.heartbeat()).code).toBe(1);
  }

  it("takes no order before its app has called in, then serves once a heartbeat arrives", async () => {
    await expect(create("1.00", "wxpay", ONE)).rejects.toMatchObject({ code: 204 });
    const beat = await app.heartbeat();
    expect(beat).toMatchObject({ status: 200, code: 1 });
    const order = await create("1.00", "wxpay", ONE);
    expect(order.pay_amount).toBe("1.00");
    expect(order.qr_content).toBe(WX_CODE);
  });

  it("gives concurrent orders of one price different amounts, then the next channel, then 204", async () => {
    await freshStart();
    // vmq1 has 3 amounts going up (10.00, 10.01, 10.02); vmq2 has 2 going down (10.00, 9.99).
    const results = await Promise.allSettled(Array.from({ length: 7 }, () => create("10.00")));
    const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as CloudpayError] : []));
    expect(ok).toHaveLength(5);
    expect(refused.map((e) => e.code)).toEqual([204, 204]);
    const byChannel = new Map<string, string[]>();
    for (const o of ok) {
      const row = await ctx.repos.orders.findOrderById(o.order_id);
      byChannel.set(row!.channel_id, [...(byChannel.get(row!.channel_id) ?? []), o.pay_amount].sort());
    }
    expect(byChannel.get("vmq1")).toEqual(["10.00", "10.01", "10.02"]);
    expect(byChannel.get("vmq2")).toEqual(["10.00", "9.99"]);
  });

  it("the cashier's wallet choice moves on from a full channel too", async () => {
    await freshStart();
    for (let i = 0; i < 3; i++) await create("90.00", "wxpay", ONE); // vmq1 full at 90.00–90.02
    const merchant = ctx.config.merchants.find((m) => m.appkey === SHOP.appkey)!;
    const waiting = await placeTestOrder(ctx, merchant, {
      protocol: "epay",
      outOrderId: `${dialect}-${++seq}`,
      priceRaw: "90.00",
      priceFen: 9000,
      type: null,
    });
    ctx.random = () => 0; // rotation picks vmq1 first when both are candidates
    expect(await chooseType(ctx, waiting.id, "wxpay")).toEqual({ outcome: "chosen" });
    const chosen = await ctx.repos.orders.findOrderById(waiting.id);
    expect(chosen).toMatchObject({ channel_id: "vmq2", pay_amount_fen: 9000, payload: "wxp://second" });
  });

  it("keeps one amount per wallet: the same amount may be held on WeChat and on Alipay at once", async () => {
    await freshStart();
    const wx = await create("3.00", "wxpay", ONE);
    const ali = await create("3.00", "alipay", ONE);
    expect([wx.pay_amount, ali.pay_amount]).toEqual(["3.00", "3.00"]);
    expect(ali.qr_content).toBe(ALI_CODE);
  });

  it("credits the order holding the pushed amount and wallet, once, and queues the shop's notification", async () => {
    await freshStart();
    const a = await create("20.00", "wxpay", ONE);
    const b = await create("20.00", "wxpay", ONE);
    expect(b.pay_amount).toBe("20.01");
    const pushed = await app.push("wxpay", 2001);
    expect(pushed.price).toBe("20.01");
    expect(pushed.answer).toMatchObject({ status: 200, code: 1 });
    expect((await ctx.repos.orders.findOrderById(b.order_id))?.status).toBe("paid");
    expect((await ctx.repos.orders.findOrderById(a.order_id))?.status).toBe("pending");
    expect(await ctx.repos.notifications.findNotificationByOrder(b.order_id)).toBeDefined();

    // The app posting the same notification twice re-sends the same URL: recorded once, credited once.
    expect((await app.resend()).code).toBe(1);
    expect(await ctx.repos.payments.listPaymentsForOrder(b.order_id)).toHaveLength(1);
  });

  it("Java-style amounts: 20.0 is 20.00 fen-exact", async () => {
    await freshStart();
    const a = await create("20.00", "alipay", ONE);
    const pushed = await app.push("alipay", 2000);
    expect(pushed.price).toBe("20.0");
    expect((await ctx.repos.orders.findOrderById(a.order_id))?.status).toBe("paid");
  });

  it("a fixed-amount code is used when the amount matches it exactly: nothing to type", async () => {
    await freshStart();
    const fixed = await create("6.66", "alipay", ONE);
    expect(fixed.qr_content).toBe("https://qr.alipay.com/fixed666");
    expect((await ctx.repos.orders.findOrderById(fixed.order_id))?.free_amount).toBe(false);
    // The next 6.66 order gets 6.67, which has no fixed code: the free-amount code, and the payer types 6.67.
    const next = await create("6.66", "alipay", ONE);
    expect(next.pay_amount).toBe("6.67");
    expect(next.qr_content).toBe(ALI_CODE);
    expect((await ctx.repos.orders.findOrderById(next.order_id))?.free_amount).toBe(true);
  });

  it("a late push within the grace still credits the expired order (late), and its amount stays held", async () => {
    await freshStart();
    const order = await create("30.00", "wxpay", ONE);
    ctx.clock.advance(300_000 + 60_000); // TTL 300 s passed, inside the 600 s grace
    await app.heartbeat();
    const other = await create("30.00", "wxpay", ONE);
    expect(other.pay_amount).toBe("30.01"); // 30.00 still belongs to the expired order
    await app.push("wxpay", 3000);
    const paid = await ctx.repos.orders.findOrderById(order.order_id);
    expect(paid).toMatchObject({ status: "paid", late: true });
  });

  it("after the grace the amount goes to a new order, which the next push credits", async () => {
    await freshStart();
    const old = await create("40.00", "wxpay", ONE);
    ctx.clock.advance(300_000 + 600_000 + 1000);
    await app.heartbeat();
    const fresh = await create("40.00", "wxpay", ONE);
    expect(fresh.pay_amount).toBe("40.00");
    await app.push("wxpay", 4000);
    expect((await ctx.repos.orders.findOrderById(fresh.order_id))?.status).toBe("paid");
    expect((await ctx.repos.orders.findOrderById(old.order_id))?.status).not.toBe("paid");
  });

  it("a paid order frees its amount for the next order", async () => {
    await freshStart();
    const first = await create("50.00", "wxpay", ONE);
    await app.push("wxpay", 5000);
    expect((await ctx.repos.orders.findOrderById(first.order_id))?.status).toBe("paid");
    expect((await create("50.00", "wxpay", ONE)).pay_amount).toBe("50.00");
  });

  it("a closed order keeps its amount until its hold runs out (a late push for it must not pay another order)", async () => {
    await freshStart();
    const first = await create("55.00", "wxpay", ONE);
    await closeOrder(ctx, signedCloseParams(`${dialect}-${seq}`, ONE));
    expect((await ctx.repos.orders.findOrderById(first.order_id))?.status).toBe("closed");
    expect((await create("55.00", "wxpay", ONE)).pay_amount).toBe("55.01");
  });

  it("an amount no order holds is kept for review", async () => {
    await freshStart();
    const pushed = await app.push("alipay", 777);
    expect(pushed.answer.code).toBe(1);
    const payment = await ctx.repos.payments.findPayment("vmq1", `push:${pushed.t}:alipay:777`);
    expect(payment).toMatchObject({ status: "unmatched", order_id: null, amount_fen: 777 });
  });

  it("refuses a bad signature on a push and on a heartbeat, changing nothing", async () => {
    await freshStart();
    const order = await create("60.00", "wxpay", ONE);
    const pushed = await app.push("wxpay", 6000, { badSign: true });
    expect(pushed.answer).toMatchObject({ code: -1, msg: "签名校验不通过" });
    expect((await ctx.repos.orders.findOrderById(order.order_id))?.status).toBe("pending");
    expect(await ctx.repos.payments.findPayment("vmq1", `push:${pushed.t}:wxpay:6000`)).toBeUndefined();

    ctx.clock.advance(61_000);
    expect((await app.heartbeat({ badSign: true })).code).toBe(-1);
    await expect(create("60.00", "wxpay", ONE)).rejects.toMatchObject({ code: 204 });
  });

  it("an offline channel is skipped for new orders but still credits pushes", async () => {
    await freshStart();
    const order = await create("70.00", "wxpay", SHOP);
    const row = await ctx.repos.orders.findOrderById(order.order_id);
    const monitor = row!.channel_id === "vmq1" ? app : app2;
    const other = row!.channel_id === "vmq1" ? app2 : app;
    ctx.clock.advance(61_000); // both apps now silent for more than offline_after_seconds (60)
    await other.heartbeat();
    for (let i = 0; i < 2; i++) {
      const next = await create("70.00", "wxpay", SHOP);
      expect((await ctx.repos.orders.findOrderById(next.order_id))?.channel_id).not.toBe(row!.channel_id);
    }
    await monitor.push("wxpay", 7000);
    expect((await ctx.repos.orders.findOrderById(order.order_id))?.status).toBe("paid");
  });

  it("the wallet chooser offers a wallet only while a monitor that can take it is online", async () => {
    await freshStart();
    const one = ctx.config.merchants.find((m) => m.appkey === ONE.appkey)!;
    const shop = ctx.config.merchants.find((m) => m.appkey === SHOP.appkey)!;
    expect(await availableTypes(ctx, one, 5000, ctx.clock.now())).toEqual(["alipay", "wxpay"]);
    ctx.clock.advance(61_000); // both apps silent for more than offline_after_seconds
    expect(await availableTypes(ctx, one, 5000, ctx.clock.now())).toEqual([]);
    await app2.heartbeat(); // vmq2 takes WeChat only
    expect(await availableTypes(ctx, shop, 5000, ctx.clock.now())).toEqual(["wxpay"]);
    expect(await availableTypes(ctx, one, 5000, ctx.clock.now())).toEqual([]);
  });

  it("refuses a heartbeat from a clock far off (a replayed URL)", async () => {
    await freshStart();
    ctx.clock.advance(61_000);
    const stale = await app.heartbeat({ t: ctx.clock.now() - 10 * 60_000 });
    expect(stale).toMatchObject({ code: -1, msg: "客户端时间错误" });
    await expect(create("80.00", "wxpay", ONE)).rejects.toMatchObject({ code: 204 });
  });

  it("the console's channel health shows the app's heartbeat and whether the channel takes orders", async () => {
    await freshStart();
    const scope = { userName: "ops", appkeys: null, merchants: ctx.config.merchants, channels: ctx.config.channels };
    const health = async () => new Map((await loadChannelHealth(ctx, scope)).map((h) => [h.id, h.monitor]));
    expect((await health()).get("vmq1")).toEqual({ online: true, lastSeenAt: ctx.clock.now() });
    const beatAt = ctx.clock.now();
    ctx.clock.advance(61_000);
    expect((await health()).get("vmq1")).toEqual({ online: false, lastSeenAt: beatAt });
  });

  it("answers 404 on a channel that is not a vmq channel", async () => {
    const res = await fetch(`${paydesk.url}/api/vmq/nope/appHeart?t=1&sign=x`);
    expect(res.status).toBe(404);
  });

  it("storage: of many racing claims on one amount exactly one wins, also when taking over a stale one", async () => {
    const now = ctx.clock.now();
    const claim = (i: number, at: number) =>
      ctx.repos.amounts.reserveAmount({
        channelId: "race",
        type: "wxpay",
        amountFen: 123,
        orderId: `o${i}`,
        now: at,
        reservedUntil: at + 1000,
      });
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(i, now)));
    expect(first.filter(Boolean)).toHaveLength(1);
    // After its 1 s the reservation has run out: of 20 racing takeovers, one wins.
    const later = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(100 + i, now + 2000)));
    expect(later.filter(Boolean)).toHaveLength(1);
  });
});
