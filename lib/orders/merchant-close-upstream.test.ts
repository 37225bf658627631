import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/storage/database";
import { describeOnDatabases } from "@/test/support/databases";
import type { AlipayEmulator, WechatV3Emulator } from "@/test/support/emulators";
import type { RunningServer } from "@/test/support/http-server";
import { signedCloseParams, signedCreateParams } from "@/test/support/merchant-client";
import { startOfficialChannels, type OfficialChannels } from "@/test/support/official-channels";
import { startPaydeskServer } from "@/test/support/paydesk-server";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";

/** A merchant's own close (/api/cloudpay/close) of a pending order on an official channel closes the trade upstream. */
describeOnDatabases("merchant close on official channels (alipay-f2f and wechat-v3 emulators)", (dialect) => {
  let ali: AlipayEmulator;
  let wx: WechatV3Emulator;
  let official: OfficialChannels;
  let db: DatabaseHandle;
  let ctx: TestContext;
  let paydesk: RunningServer;
  let n = 0;

  beforeAll(async () => {
    official = await startOfficialChannels({ now: () => ctx.now(), timeoutMs: 400 });
    ({ ali, wx } = official);
    const file = testConfigFile({
      merchants: testConfigFile().merchants.map((m) => ({ ...m, channels: ["ali", "wx"] })),
      channels: official.channels,
    });
    db = await openTestDatabase(dialect);
    ctx = testContext(db, testAppConfig(file));
    paydesk = await startPaydeskServer(ctx);
  });
  afterAll(async () => {
    await paydesk.close();
    await db.close();
    await official.close();
  });
  beforeEach(() => official.reset());

  async function post<T>(path: string, params: Record<string, string>): Promise<T> {
    const res = await fetch(`${paydesk.url}${path}`, { method: "POST", body: new URLSearchParams(params) });
    return (await res.json()) as T;
  }
  async function create(type: "alipay" | "wxpay", price = "1.00"): Promise<{ orderId: string; ref: string }> {
    const ref = `mclose-${dialect}-${++n}`;
    const body = await post<{ code: number; msg: string; data?: { order_id: string } }>(
      "/api/cloudpay/create",
      signedCreateParams({ price, type, out_order_id: ref, custom: "u1" }),
    );
    expect(body.code, body.msg).toBe(100);
    return { orderId: body.data!.order_id, ref };
  }
  const close = (ref: string) =>
    post<{ code: number; msg: string; data?: { status: string } }>("/api/cloudpay/close", signedCloseParams(ref));
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

  it("closes a scanned Alipay trade upstream, then the order; a second close asks nothing more", async () => {
    const { orderId, ref } = await create("alipay");
    ali.scan(orderId);
    const res = await close(ref);
    expect(res.code, res.msg).toBe(100);
    expect(res.data!.status).toBe("closed");
    expect(aliCloses(orderId)).toHaveLength(1);
    expect(ali.order(orderId).status).toBe("TRADE_CLOSED");
    expect((await ctx.repos.orders.findOrderById(orderId))?.status).toBe("closed");
    expect((await close(ref)).code).toBe(100);
    expect(aliCloses(orderId)).toHaveLength(1);
  });

  it("closes a WeChat trade upstream, then the order", async () => {
    const { orderId, ref } = await create("wxpay");
    const res = await close(ref);
    expect(res.code, res.msg).toBe(100);
    expect(wxCloses(orderId)).toHaveLength(1);
    expect(wx.order(orderId).trade_state).toBe("CLOSED");
    expect((await ctx.repos.orders.findOrderById(orderId))?.status).toBe("closed");
  });

  it("credits a trade the platform says was paid, once, and refuses the close (Alipay and WeChat)", async () => {
    const a = await create("alipay", "2.00");
    ali.markPaid(a.orderId);
    const w = await create("wxpay", "3.00");
    wx.markPaid(w.orderId);
    for (const [o, fen] of [
      [a, 200],
      [w, 300],
    ] as const) {
      const res = await close(o.ref);
      expect(res.code).not.toBe(100);
      expect(res.msg).toContain("paid");
      expect(await ctx.repos.orders.findOrderById(o.orderId)).toMatchObject({ status: "paid", real_fen: fen });
      expect(await applied(o.orderId)).toHaveLength(1);
      expect(await outbox(o.orderId)).toBe(1);
    }
    expect(aliCloses(a.orderId)).toHaveLength(1);
    expect(wxCloses(w.orderId)).toHaveLength(1);
    // The notify that follows is the same payment.
    await ali.pay(a.orderId, { duplicates: 1 });
    const acks = await wx.pay(w.orderId);
    expect(acks[0]!.status).toBe(200);
    expect(await applied(a.orderId)).toHaveLength(1);
    expect(await applied(w.orderId)).toHaveLength(1);
    expect(await outbox(w.orderId)).toBe(1);
  });

  it("leaves the order pending, and says so, while the platform is down; closes it once the platform is back", async () => {
    const { orderId, ref } = await create("wxpay");
    wx.setFaults({ httpStatus: 500 });
    const refused = await close(ref);
    expect(refused.code).not.toBe(100);
    expect(refused.msg).toContain("稍后重试");
    expect((await ctx.repos.orders.findOrderById(orderId))?.status).toBe("pending");
    expect(wx.order(orderId).trade_state).toBe("NOTPAY");
    wx.setFaults({ httpStatus: null });
    expect((await close(ref)).code).toBe(100);
    expect(wx.order(orderId).trade_state).toBe("CLOSED");
    expect((await ctx.repos.orders.findOrderById(orderId))?.status).toBe("closed");
  });
});
