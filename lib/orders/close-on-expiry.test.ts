import { expect, it } from "vitest";
import { describeOnDatabases } from "@/test/support/databases";
import { officialCloseProbes, useOfficialPaydesk } from "@/test/support/official-channels";
import { signedCreateParams } from "@/test/support/merchant-client";
import { loadOrderForRead } from "./order-views";
import { ExpiryCloser } from "./close-on-expiry";

const TTL_MS = 300_000;

describeOnDatabases("close on expiry (alipay-f2f and wechat-v3 emulators)", (dialect) => {
  let closer: ExpiryCloser;
  let stopListening: () => void;
  const env = useOfficialPaydesk(dialect, {
    timeoutMs: 400,
    start: ({ ctx }) => {
      closer = new ExpiryCloser(ctx);
      stopListening = closer.listen();
    },
    stop: async () => {
      stopListening();
      await closer.idle();
    },
  });
  let n = 0;

  async function create(type: "alipay" | "wxpay", price = "1.00"): Promise<string> {
    const params = signedCreateParams({ price, type, out_order_id: `close-${dialect}-${++n}`, custom: "u1" });
    const res = await fetch(`${env.paydesk.url}/api/cloudpay/create`, {
      method: "POST",
      body: new URLSearchParams(params),
    });
    const body = (await res.json()) as { code: number; msg: string; data?: { order_id: string } };
    expect(body.code, body.msg).toBe(100);
    return body.data!.order_id;
  }

  /** The background sweeper's expiry step (lib/background.ts), then the closes it started. */
  async function sweep(): Promise<void> {
    for (const orderId of await env.ctx.repos.expiry.expireDueOrders(env.ctx.now()))
      await env.ctx.events.publish({ type: "order.expired", orderId });
    closer.kick();
    await closer.idle();
  }

  const { aliCloses, wxCloses, applied, outbox } = officialCloseProbes(env);

  it("closes an expired Alipay trade upstream exactly once (sweeper, a read, a repeated event)", async () => {
    const orderId = await create("alipay");
    env.ali.scan(orderId);
    env.ctx.clock.advance(TTL_MS + 1_000);
    // The payer's page reads the order first: the read stores the expiry and announces it.
    expect((await loadOrderForRead(env.ctx, orderId))?.status).toBe("expired");
    await sweep();
    expect(aliCloses(orderId)).toHaveLength(1);
    expect(env.ali.order(orderId).status).toBe("TRADE_CLOSED");
    // A second announcement (another instance's echo) and later passes ask nothing more.
    await env.ctx.events.publish({ type: "order.expired", orderId });
    await closer.idle();
    env.ctx.clock.advance(60_000);
    await sweep();
    expect(aliCloses(orderId)).toHaveLength(1);
    expect((await env.ctx.repos.orders.findOrderById(orderId))?.status).toBe("expired");
  });

  it("two instances hearing the same expiry close it once (the claim in the database decides)", async () => {
    const orderId = await create("wxpay");
    const other = new ExpiryCloser(env.ctx);
    const stopOther = other.listen();
    try {
      env.ctx.clock.advance(TTL_MS + 1_000);
      await sweep();
      await other.idle();
      expect(wxCloses(orderId)).toHaveLength(1);
      expect(env.wx.order(orderId).trade_state).toBe("CLOSED");
    } finally {
      stopOther();
    }
  });

  it("credits a WeChat trade paid before the close once, late, and its notify after it is a duplicate", async () => {
    const orderId = await create("wxpay", "2.00");
    env.wx.markPaid(orderId); // paid upstream; the notify has not arrived
    env.ctx.clock.advance(TTL_MS + 1_000);
    await sweep();
    expect(wxCloses(orderId)).toHaveLength(1);
    const order = await env.ctx.repos.orders.findOrderById(orderId);
    expect(order).toMatchObject({ status: "paid", late: true, real_fen: 200 });
    expect(await applied(orderId)).toHaveLength(1);
    expect(await outbox(orderId)).toBe(1);
    const acks = await env.wx.pay(orderId);
    expect(acks[0]!.status).toBe(200);
    expect(await applied(orderId)).toHaveLength(1);
    expect(await outbox(orderId)).toBe(1);
  });

  it("credits an Alipay trade paid before the close once", async () => {
    const orderId = await create("alipay", "3.00");
    env.ali.markPaid(orderId);
    env.ctx.clock.advance(TTL_MS + 1_000);
    await sweep();
    expect(aliCloses(orderId)).toHaveLength(1);
    expect(await env.ctx.repos.orders.findOrderById(orderId)).toMatchObject({ status: "paid", real_fen: 300 });
    await env.ali.pay(orderId, { duplicates: 1 });
    expect(await applied(orderId)).toHaveLength(1);
    expect(await outbox(orderId)).toBe(1);
  });

  it("retries a close on a later pass while the platform is down, and a hanging one blocks no other order", async () => {
    const down = await create("alipay");
    env.ali.scan(down);
    const slow = await create("wxpay");
    env.ali.setFaults({ errorMessage: "系统繁忙" });
    env.wx.setFaults({ delayMs: 3_000 });
    env.ctx.clock.advance(TTL_MS + 1_000);
    const started = performance.now();
    await sweep();
    // Both failed within their channel's 400 ms timeout, side by side: neither waited for the other.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(aliCloses(down)).toHaveLength(1);
    expect(closer.waiting).toBe(2);
    // Not due yet: the next pass right away asks nothing.
    await sweep();
    expect(aliCloses(down)).toHaveLength(1);
    env.ali.setFaults({ errorMessage: null });
    env.wx.setFaults({ delayMs: 0 });
    env.ctx.clock.advance(5_000);
    await sweep();
    expect(aliCloses(down)).toHaveLength(2);
    expect(env.ali.order(down).status).toBe("TRADE_CLOSED");
    expect(env.wx.order(slow).trade_state).toBe("CLOSED");
    expect(closer.waiting).toBe(0);
  });
});
