import { expect, it } from "vitest";
import { configFileSchema } from "@/lib/config/schema";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { md5 } from "@/lib/crypto/digest";
import { signedCreateParams } from "@/test/support/merchant-client";
import { testAppConfig } from "@/test/support/test-context";
import { describeOnDatabases, useContextPerTest } from "@/test/support/databases";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";

const file = configFileSchema.parse({
  merchants: [
    {
      appkey: "k1",
      appsecret: "s1secret",
      name: "Shop",
      notify_url: "https://shop.example/notify",
      return_url: "https://shop.example/return",
      late_grace_seconds: 600,
      channels: ["sandbox", "sandbox-b"],
      disabled_types: [],
    },
  ],
  channels: [
    { id: "sandbox", provider: "sandbox", types: ["alipay"] },
    { id: "sandbox-b", provider: "sandbox", types: ["wxpay"], key: "other-key" },
  ],
});

describeOnDatabases("notify ingestion", (dialect) => {
  const env = useContextPerTest(dialect, () => testAppConfig(file));
  let seq = 0;

  async function newOrder(price = "10.00", type = "alipay"): Promise<string> {
    const created = await createOrder(
      env.ctx,
      signedCreateParams({ price, type, out_order_id: `${dialect}-${++seq}` }),
    );
    return created.order_id;
  }

  /** The sandbox provider's notify: sign = md5(order_id + amount + trade_no + key). */
  function notify(channel: string, f: { order_id: string; amount: string; trade_no: string }, key = "sandbox") {
    const body = new URLSearchParams({ ...f, sign: md5(f.order_id + f.amount + f.trade_no + key) });
    return handleNotify(
      new Request(`http://paydesk.test/api/notify/${channel}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      }),
      channel,
      () => Promise.resolve(env.ctx),
    ).then(async (r) => ({ status: r.status, body: await r.text() }));
  }

  const payments = (orderId: string) => env.ctx.repos.payments.listPaymentsForOrder(orderId);
  // The outbox holds at most one row per order (a unique key): a list of it has zero or one element.
  const outbox = async (orderId: string) => {
    const n = await env.ctx.repos.notifications.findNotificationByOrder(orderId);
    return n ? [n] : [];
  };

  it("a bad signature answers fail and changes nothing", async () => {
    const id = await newOrder();
    const body = new URLSearchParams({ order_id: id, amount: "1000", trade_no: "BAD-1", sign: md5("forged") });
    const res = await handleNotify(
      new Request("http://x/api/notify/sandbox", { method: "POST", body }),
      "sandbox",
      () => Promise.resolve(env.ctx),
    );
    expect(await res.text()).toBe("fail");
    const wrongKey = await notify("sandbox", { order_id: id, amount: "1000", trade_no: "BAD-2" }, "not-the-key");
    expect(wrongKey.body).toBe("fail");
    expect((await env.ctx.repos.orders.findOrderById(id))!.status).toBe("pending");
    expect(await env.ctx.repos.payments.findPayment("sandbox", "BAD-1")).toBeUndefined();
    expect(await env.ctx.repos.payments.findPayment("sandbox", "BAD-2")).toBeUndefined();
  });

  it("pays the order once for sequential duplicates", async () => {
    const id = await newOrder();
    for (let i = 0; i < 3; i++)
      expect((await notify("sandbox", { order_id: id, amount: "1000", trade_no: `DUP-${id}` })).body).toBe("success");
    const order = await env.ctx.repos.orders.findOrderById(id);
    expect(order).toMatchObject({ status: "paid", real_fen: 1000, late: false });
    expect(await payments(id)).toHaveLength(1);
    expect(await outbox(id)).toHaveLength(1);
  });

  it("pays the order once when identical notifies arrive at the same moment", async () => {
    const id = await newOrder();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => notify("sandbox", { order_id: id, amount: "1000", trade_no: `RACE-${id}` })),
    );
    expect(results.every((r) => r.body === "success")).toBe(true);
    expect(await payments(id)).toHaveLength(1);
    expect(await outbox(id)).toHaveLength(1);
    expect((await env.ctx.repos.orders.findOrderById(id))!.status).toBe("paid");
  });

  it("two different payments racing for one order: one credits it, the other is kept for review", async () => {
    const id = await newOrder();
    await Promise.all([
      notify("sandbox", { order_id: id, amount: "1000", trade_no: `TWICE-A-${id}` }),
      notify("sandbox", { order_id: id, amount: "1000", trade_no: `TWICE-B-${id}` }),
    ]);
    const rows = await payments(id);
    expect(rows.map((r) => r.status).sort()).toEqual(["applied", "unmatched"]);
    expect(rows.find((r) => r.status === "unmatched")!.reason).toBe("order_paid");
    expect(await outbox(id)).toHaveLength(1);
  });

  it("a wrong amount keeps the order pending and the payment as mismatched", async () => {
    const id = await newOrder();
    expect((await notify("sandbox", { order_id: id, amount: "999", trade_no: `SHORT-${id}` })).body).toBe("success");
    expect((await env.ctx.repos.orders.findOrderById(id))!.status).toBe("pending");
    const [p] = await payments(id);
    expect(p).toMatchObject({ status: "mismatched", amount_fen: 999, reason: "amount_mismatch" });
    expect(await outbox(id)).toHaveLength(0);
  });

  it("a late payment within the grace period pays the expired order with late=true", async () => {
    const id = await newOrder();
    env.ctx.clock.advance(300_000 + 60_000);
    await env.ctx.repos.orders.sweepOrders(env.ctx.now(), 0);
    expect((await env.ctx.repos.orders.findOrderById(id))!.status).toBe("expired");
    await notify("sandbox", { order_id: id, amount: "1000", trade_no: `LATE-${id}` });
    expect(await env.ctx.repos.orders.findOrderById(id)).toMatchObject({ status: "paid", late: true });
    expect(await outbox(id)).toHaveLength(1);
  });

  it("a payment after the grace period is kept unmatched and the order stays expired", async () => {
    const id = await newOrder();
    env.ctx.clock.advance(300_000 + 600_001);
    await notify("sandbox", { order_id: id, amount: "1000", trade_no: `TOOLATE-${id}` });
    expect((await env.ctx.repos.orders.findOrderById(id))!.status).toBe("pending"); // stored; the view shows expired
    const [p] = await payments(id);
    expect(p).toMatchObject({ status: "unmatched", reason: "grace_passed" });
    expect(await outbox(id)).toHaveLength(0);
  });

  it("a channel cannot pay another channel's order, and unknown orders are kept", async () => {
    const wx = await newOrder("1.00", "wxpay"); // collected by sandbox-b
    expect((await notify("sandbox", { order_id: wx, amount: "100", trade_no: `CROSS-${wx}` })).body).toBe("success");
    expect((await env.ctx.repos.orders.findOrderById(wx))!.status).toBe("pending");
    const stray = await env.ctx.repos.payments.findPayment("sandbox", `CROSS-${wx}`);
    expect(stray).toMatchObject({ status: "unmatched", reason: "no_order", order_id: null });
    expect((await notify("sandbox-b", { order_id: wx, amount: "100", trade_no: `OWN-${wx}` }, "other-key")).body).toBe(
      "success",
    );
    expect((await env.ctx.repos.orders.findOrderById(wx))!.status).toBe("paid");
  });

  it("an unknown channel is a 404", async () => {
    const res = await handleNotify(new Request("http://x/api/notify/nope", { method: "POST", body: "" }), "nope", () =>
      Promise.resolve(env.ctx),
    );
    expect(res.status).toBe(404);
  });
});
