import { expect, it } from "vitest";
import { describeOnDatabases } from "@/test/support/databases";
import { signedCloseParams, signedCreateParams } from "@/test/support/merchant-client";
import { officialCloseProbes, useOfficialPaydesk } from "@/test/support/official-channels";

/** A merchant's own close (/api/cloudpay/close) of a pending order on an official channel closes the trade upstream. */
describeOnDatabases("merchant close on official channels (alipay-f2f and wechat-v3 emulators)", (dialect) => {
  const env = useOfficialPaydesk(dialect, { timeoutMs: 400 });
  let n = 0;

  async function post<T>(path: string, params: Record<string, string>): Promise<T> {
    const res = await fetch(`${env.paydesk.url}${path}`, { method: "POST", body: new URLSearchParams(params) });
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
  const { aliCloses, wxCloses, applied, outbox } = officialCloseProbes(env);

  it("closes a scanned Alipay trade upstream, then the order; a second close asks nothing more", async () => {
    const { orderId, ref } = await create("alipay");
    env.ali.scan(orderId);
    const res = await close(ref);
    expect(res.code, res.msg).toBe(100);
    expect(res.data!.status).toBe("closed");
    expect(aliCloses(orderId)).toHaveLength(1);
    expect(env.ali.order(orderId).status).toBe("TRADE_CLOSED");
    expect((await env.ctx.repos.orders.findOrderById(orderId))?.status).toBe("closed");
    expect((await close(ref)).code).toBe(100);
    expect(aliCloses(orderId)).toHaveLength(1);
  });

  it("closes a WeChat trade upstream, then the order", async () => {
    const { orderId, ref } = await create("wxpay");
    const res = await close(ref);
    expect(res.code, res.msg).toBe(100);
    expect(wxCloses(orderId)).toHaveLength(1);
    expect(env.wx.order(orderId).trade_state).toBe("CLOSED");
    expect((await env.ctx.repos.orders.findOrderById(orderId))?.status).toBe("closed");
  });

  it("credits a trade the platform says was paid, once, and refuses the close (Alipay and WeChat)", async () => {
    const a = await create("alipay", "2.00");
    env.ali.markPaid(a.orderId);
    const w = await create("wxpay", "3.00");
    env.wx.markPaid(w.orderId);
    for (const [o, fen] of [
      [a, 200],
      [w, 300],
    ] as const) {
      const res = await close(o.ref);
      expect(res.code).not.toBe(100);
      expect(res.msg).toContain("paid");
      expect(await env.ctx.repos.orders.findOrderById(o.orderId)).toMatchObject({ status: "paid", real_fen: fen });
      expect(await applied(o.orderId)).toHaveLength(1);
      expect(await outbox(o.orderId)).toBe(1);
    }
    expect(aliCloses(a.orderId)).toHaveLength(1);
    expect(wxCloses(w.orderId)).toHaveLength(1);
    // The notify that follows is the same payment.
    await env.ali.pay(a.orderId, { duplicates: 1 });
    const acks = await env.wx.pay(w.orderId);
    expect(acks[0]!.status).toBe(200);
    expect(await applied(a.orderId)).toHaveLength(1);
    expect(await applied(w.orderId)).toHaveLength(1);
    expect(await outbox(w.orderId)).toBe(1);
  });

  it("leaves the order pending, and says so, while the platform is down; closes it once the platform is back", async () => {
    const { orderId, ref } = await create("wxpay");
    env.wx.setFaults({ httpStatus: 500 });
    const refused = await close(ref);
    expect(refused.code).not.toBe(100);
    expect(refused.msg).toContain("稍后重试");
    expect((await env.ctx.repos.orders.findOrderById(orderId))?.status).toBe("pending");
    expect(env.wx.order(orderId).trade_state).toBe("NOTPAY");
    env.wx.setFaults({ httpStatus: null });
    expect((await close(ref)).code).toBe(100);
    expect(env.wx.order(orderId).trade_state).toBe("CLOSED");
    expect((await env.ctx.repos.orders.findOrderById(orderId))?.status).toBe("closed");
  });
});
