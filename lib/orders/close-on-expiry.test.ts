import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/storage/database";
import { describeOnDatabases } from "@/test/support/databases";
import type { AlipayEmulator, WechatV3Emulator } from "@/test/support/emulators";
import type { RunningServer } from "@/test/support/http-server";
import { startOfficialChannels, type OfficialChannels } from "@/test/support/official-channels";
import { signedCreateParams } from "@/test/support/merchant-client";
import { startPaydeskServer } from "@/test/support/paydesk-server";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import { loadOrderForRead } from "./order-views";
import { ExpiryCloser } from "./close-on-expiry";

const TTL_MS = 300_000;

describeOnDatabases("close on expiry (alipay-f2f and wechat-v3 emulators)", (dialect) => {
  let ali: AlipayEmulator;
  let wx: WechatV3Emulator;
  let official: OfficialChannels;
  let db: DatabaseHandle;
  let ctx: TestContext;
  let paydesk: RunningServer;
  let closer: ExpiryCloser;
  let stopListening: () => void;
  let n = 0;

  beforeAll(async () => {
    official = await startOfficialChannels({ now: () => ctx.now(), timeoutMs: 400 });
    ({ ali, wx } = official);
    const { channels } = official;
    const file = testConfigFile({
      merchants: testConfigFile().merchants.map((m) => ({ ...m, channels: ["ali", "wx"] })),
      channels,
    });
    db = await openTestDatabase(dialect);
    ctx = testContext(db, testAppConfig(file));
    paydesk = await startPaydeskServer(ctx);
    closer = new ExpiryCloser(ctx);
    stopListening = closer.listen();
  });
  afterAll(async () => {
    stopListening();
    await closer.idle();
    await paydesk.close();
    await db.close();
    await official.close();
  });
  beforeEach(() => official.reset());

  async function create(type: "alipay" | "wxpay", price = "1.00"): Promise<string> {
    const params = signedCreateParams({ price, type, out_order_id: `close-${dialect}-${++n}`, custom: "u1" });
    const res = await fetch(`${paydesk.url}/api/cloudpay/create`, {
      method: "POST",
      body: new URLSearchParams(params),
    });
    const body = (await res.json()) as { code: number; msg: string; data?: { order_id: string } };
    expect(body.code, body.msg).toBe(100);
    return body.data!.order_id;
  }

  /** The background sweeper's expiry step (lib/background.ts), then the closes it started. */
  async function sweep(): Promise<void> {
    for (const orderId of await ctx.repos.expiry.expireDueOrders(ctx.now()))
      await ctx.events.publish({ type: "order.expired", orderId });
    closer.kick();
    await closer.idle();
  }

  const aliCloses = (orderId: string) =>
    ali.calls.filter((c) => c.method === "alipay.trade.close" && c.biz.out_trade_no === orderId);
  const wxCloses = (orderId: string) =>
    wx.calls.filter((c) => c.path === `/v3/pay/transactions/out-trade-no/${orderId}/close`);
  const applied = async (orderId: string) =>
    (await db.db.selectFrom("payments").selectAll().where("order_id", "=", orderId).execute()).filter(
      (p) => p.status === "applied",
    );
  const outbox = async (orderId: string) =>
    (await db.db.selectFrom("notifications").select("id").where("order_id", "=", orderId).execute()).length;

  it("closes an expired Alipay trade upstream exactly once (sweeper, a read, a repeated event)", async () => {
    const orderId = await create("alipay");
    ali.scan(orderId);
    ctx.clock.advance(TTL_MS + 1_000);
    // The payer's page reads the order first: the read stores the expiry and announces it.
    expect((await loadOrderForRead(ctx, orderId))?.status).toBe("expired");
    await sweep();
    expect(aliCloses(orderId)).toHaveLength(1);
    expect(ali.order(orderId).status).toBe("TRADE_CLOSED");
    // A second announcement (another instance's echo) and later passes ask nothing more.
    await ctx.events.publish({ type: "order.expired", orderId });
    await closer.idle();
    ctx.clock.advance(60_000);
    await sweep();
    expect(aliCloses(orderId)).toHaveLength(1);
    expect((await ctx.repos.orders.findOrderById(orderId))?.status).toBe("expired");
  });

  it("two instances hearing the same expiry close it once (the claim in the database decides)", async () => {
    const orderId = await create("wxpay");
    const other = new ExpiryCloser(ctx);
    const stopOther = other.listen();
    try {
      ctx.clock.advance(TTL_MS + 1_000);
      await sweep();
      await other.idle();
      expect(wxCloses(orderId)).toHaveLength(1);
      expect(wx.order(orderId).trade_state).toBe("CLOSED");
    } finally {
      stopOther();
    }
  });

  it("credits a WeChat trade paid before the close once, late, and its notify after it is a duplicate", async () => {
    const orderId = await create("wxpay", "2.00");
    wx.markPaid(orderId); // paid upstream; the notify has not arrived
    ctx.clock.advance(TTL_MS + 1_000);
    await sweep();
    expect(wxCloses(orderId)).toHaveLength(1);
    const order = await ctx.repos.orders.findOrderById(orderId);
    expect(order).toMatchObject({ status: "paid", late: true, real_fen: 200 });
    expect(await applied(orderId)).toHaveLength(1);
    expect(await outbox(orderId)).toBe(1);
    const acks = await wx.pay(orderId);
    expect(acks[0]!.status).toBe(200);
    expect(await applied(orderId)).toHaveLength(1);
    expect(await outbox(orderId)).toBe(1);
  });

  it("credits an Alipay trade paid before the close once", async () => {
    const orderId = await create("alipay", "3.00");
    ali.markPaid(orderId);
    ctx.clock.advance(TTL_MS + 1_000);
    await sweep();
    expect(aliCloses(orderId)).toHaveLength(1);
    expect(await ctx.repos.orders.findOrderById(orderId)).toMatchObject({ status: "paid", real_fen: 300 });
    await ali.pay(orderId, { duplicates: 1 });
    expect(await applied(orderId)).toHaveLength(1);
    expect(await outbox(orderId)).toBe(1);
  });

  it("retries a close on a later pass while the platform is down, and a hanging one blocks no other order", async () => {
    const down = await create("alipay");
    ali.scan(down);
    const slow = await create("wxpay");
    ali.setFaults({ errorMessage: "系统繁忙" });
    wx.setFaults({ delayMs: 3_000 });
    ctx.clock.advance(TTL_MS + 1_000);
    const started = performance.now();
    await sweep();
    // Both failed within their channel's 400 ms timeout, side by side: neither waited for the other.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(aliCloses(down)).toHaveLength(1);
    expect(closer.waiting).toBe(2);
    // Not due yet: the next pass right away asks nothing.
    await sweep();
    expect(aliCloses(down)).toHaveLength(1);
    ali.setFaults({ errorMessage: null });
    wx.setFaults({ delayMs: 0 });
    ctx.clock.advance(5_000);
    await sweep();
    expect(aliCloses(down)).toHaveLength(2);
    expect(ali.order(down).status).toBe("TRADE_CLOSED");
    expect(wx.order(slow).trade_state).toBe("CLOSED");
    expect(closer.waiting).toBe(0);
  });
});
