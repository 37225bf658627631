import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startGemafuEmulator, type GemafuEmulator } from "@/test/support/emulators";
import { startPayjsEmulator, type PayjsEmulator } from "@/test/support/emulators";
import { startProviderHarness, type ProviderHarness } from "@/test/support/provider-test-harness";
import { reconciledOrderView } from "./order-views";
import { reconcileForView, reconcileOrder, resetReconcileState, RECONCILE_INTERVAL_MS } from "./reconcile";

describe("reconciliation (gemafu QueryOrder)", () => {
  let emu: GemafuEmulator;
  let h: ProviderHarness;
  let n = 0;

  beforeAll(async () => {
    let now = () => Date.now();
    emu = await startGemafuEmulator({ mId: 7, secretKey: "rk", now: () => now() });
    h = await startProviderHarness([
      {
        id: "gm-r",
        provider: "gemafu",
        types: ["wxpay"],
        base_url: emu.baseUrl,
        m_id: 7,
        secret_key: "rk",
        appname: "shop",
        timeout_ms: 3000,
      },
    ]);
    now = h.ctx.now;
  });
  afterAll(async () => {
    await h.close();
    await emu.close();
  });
  beforeEach(() => {
    emu.setFaults({ delayMs: 0, httpStatus: null, garbage: false, errorMessage: null });
    resetReconcileState();
  });

  async function newOrder() {
    const res = await h.create({ price: "5.00", type: "wxpay", out_order_id: `rc-${++n}` });
    expect(res.code).toBe(100);
    const orderId = res.data!.order_id!;
    return { orderId, orderid: emu.order(orderId).orderid };
  }
  const queriesFor = (orderid: number) => emu.queries.filter((q) => q.orderid === orderid);

  it("asks the provider at most once per order every 10 s, however often the page polls", async () => {
    const { orderId, orderid } = await newOrder();
    for (let i = 0; i < 4; i++) {
      expect((await reconciledOrderView(h.ctx, orderId))!.status).toBe("pending");
      h.ctx.clock.advance(2_000);
    }
    expect(queriesFor(orderid)).toHaveLength(1);
    expect(queriesFor(orderid)[0]!.signatureValid).toBe(true);
    h.ctx.clock.advance(RECONCILE_INTERVAL_MS);
    await reconciledOrderView(h.ctx, orderId);
    expect(queriesFor(orderid)).toHaveLength(2);
  });

  it("holds the 10 s limit across instances: another process's fresh memory still finds the order's claim", async () => {
    const { orderId, orderid } = await newOrder();
    await reconciledOrderView(h.ctx, orderId);
    // What a second instance sees: no in-memory entries, the same database.
    resetReconcileState();
    h.ctx.clock.advance(5_000);
    const again = await reconcileOrder(h.ctx, (await h.order(orderId))!);
    expect(again).toEqual({ outcome: "skipped", reason: "throttled" });
    expect(queriesFor(orderid)).toHaveLength(1);
    resetReconcileState();
    h.ctx.clock.advance(RECONCILE_INTERVAL_MS);
    expect((await reconcileOrder(h.ctx, (await h.order(orderId))!)).outcome).toBe("unpaid");
    expect(queriesFor(orderid)).toHaveLength(2);
  });

  it("shares one in-flight query between concurrent callers", async () => {
    const { orderId, orderid } = await newOrder();
    emu.setFaults({ delayMs: 200 });
    const order = (await h.order(orderId))!;
    const results = await Promise.all(Array.from({ length: 5 }, () => reconcileOrder(h.ctx, order)));
    expect(queriesFor(orderid)).toHaveLength(1);
    expect(results.every((r) => r.outcome === "unpaid")).toBe(true);
  });

  it("applies a paid answer once, and a later notify of the same trade is a duplicate", async () => {
    const { orderId, orderid } = await newOrder();
    emu.markPaid(orderId);
    const view = await reconciledOrderView(h.ctx, orderId);
    expect(view!.status).toBe("paid");
    expect(await h.outboxCount(orderId)).toBe(1);
    const rows = (await h.payments("gm-r")).filter((p) => p.order_id === orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "applied", trade_no: String(orderid), amount_fen: 500 });

    const [ack] = await emu.pay(orderId);
    expect(ack!.body).toBe("200");
    expect((await h.payments("gm-r")).filter((p) => p.trade_no === String(orderid))).toHaveLength(1);
    expect(await h.outboxCount(orderId)).toBe(1);
    expect(await h.dispatch()).toBeGreaterThanOrEqual(1);
    expect(h.shop.verifiedFor(orderId)).toHaveLength(1);
  });

  it("does not ask about orders that are no longer pending", async () => {
    const { orderId, orderid } = await newOrder();
    await emu.pay(orderId);
    await reconciledOrderView(h.ctx, orderId);
    expect(queriesFor(orderid)).toHaveLength(0);
  });

  it("never breaks the view when the upstream fails", async () => {
    const { orderId } = await newOrder();
    emu.setFaults({ garbage: true });
    expect((await reconciledOrderView(h.ctx, orderId))!.status).toBe("pending");
  });

  it("waits only a bounded time for a slow upstream; the answer lands for a later poll", async () => {
    const { orderId } = await newOrder();
    emu.markPaid(orderId);
    emu.setFaults({ delayMs: 600 });
    const order = (await h.order(orderId))!;
    const started = Date.now();
    expect(await reconcileForView(h.ctx, order, 100)).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
    await vi.waitFor(async () => expect((await h.order(orderId))!.status).toBe("paid"), {
      timeout: 5_000,
      interval: 50,
    });
  });
});

describe("reconciliation (payjs /api/check)", () => {
  let emu: PayjsEmulator;
  let h: ProviderHarness;

  beforeAll(async () => {
    emu = await startPayjsEmulator({ mchid: "m1", key: "k1" });
    h = await startProviderHarness([
      { id: "pj-r", provider: "payjs", types: ["wxpay"], base_url: emu.baseUrl, mchid: "m1", key: "k1" },
    ]);
  });
  afterAll(async () => {
    await h.close();
    await emu.close();
  });

  it("credits a payment PAYJS reports through a signed check reply, keyed like its notify", async () => {
    resetReconcileState();
    const res = await h.create({ price: "0.30", type: "wxpay", out_order_id: "pj-rc-1" });
    const orderId = res.data!.order_id!;
    expect((await reconciledOrderView(h.ctx, orderId))!.status).toBe("pending");
    emu.markPaid(orderId);
    h.ctx.clock.advance(RECONCILE_INTERVAL_MS);
    expect((await reconciledOrderView(h.ctx, orderId))!.status).toBe("paid");
    expect(emu.checks.every((c) => c.signatureValid)).toBe(true);
    expect(emu.checks).toHaveLength(2);
    const [ack] = await emu.pay(orderId);
    expect(ack!.body).toBe("success");
    expect(await h.payments("pj-r")).toHaveLength(1);
    expect(await h.outboxCount(orderId)).toBe(1);
  });
});
