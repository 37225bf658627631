import { expect, it } from "vitest";
import { configFileSchema } from "@/lib/config/schema";
import { loadOrderTimeline } from "@/lib/console/order-timeline";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { md5 } from "@/lib/crypto/digest";
import { describeOnDatabases, useContextPerTest } from "@/test/support/databases";
import { signedCreateParams } from "@/test/support/merchant-client";
import { testAppConfig } from "@/test/support/test-context";
import { applyPayment } from "./apply-payment";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";

/**
 * Issue 17 item 4: payments are deduplicated by trade number AND content. A signed notify with a wrong amount (or a
 * wallet other than the order's) must not use up the provider's trade number; the genuine one still applies, and
 * the wrong one stays for review, linked to it. An exact repeat stays a no-op.
 */
const file = configFileSchema.parse({
  merchants: [
    {
      appkey: "k1",
      appsecret: "s1secret",
      name: "Shop",
      notify_url: "https://shop.example/notify",
      return_url: "https://shop.example/return",
      late_grace_seconds: 600,
      channels: ["sandbox"],
      disabled_types: [],
    },
  ],
  channels: [{ id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay"] }],
});

describeOnDatabases("payments deduplicated by trade and content", (dialect) => {
  const env = useContextPerTest(dialect, () => testAppConfig(file));
  let seq = 0;

  async function newOrder(price = "10.00", type = "alipay"): Promise<string> {
    const created = await createOrder(
      env.ctx,
      signedCreateParams({ price, type, out_order_id: `cd-${dialect}-${++seq}` }),
    );
    return created.order_id;
  }

  /** The sandbox provider's signed notify: sign = md5(order_id + amount + trade_no + key). */
  async function notify(f: { order_id: string; amount: string; trade_no: string }): Promise<string> {
    const body = new URLSearchParams({ ...f, sign: md5(f.order_id + f.amount + f.trade_no + "sandbox") });
    const res = await handleNotify(
      new Request("http://paydesk.test/api/notify/sandbox", { method: "POST", body }),
      "sandbox",
      () => Promise.resolve(env.ctx),
    );
    return res.text();
  }

  const trade = (tradeNo: string) => env.ctx.repos.payments.listPaymentsForTrade("sandbox", tradeNo);
  const outbox = async (orderId: string) =>
    (await env.ctx.repos.notifications.findNotificationByOrder(orderId)) ? 1 : 0;

  it("a wrong-amount notify does not use up the trade: the genuine one applies, the wrong one stays linked to it", async () => {
    const id = await newOrder();
    const t = `WRONG-FIRST-${dialect}-${id}`;
    expect(await notify({ order_id: id, amount: "999", trade_no: t })).toBe("success");
    expect((await env.ctx.repos.orders.findOrderById(id))!.status).toBe("pending");
    expect(await notify({ order_id: id, amount: "1000", trade_no: t })).toBe("success");

    expect(await env.ctx.repos.orders.findOrderById(id)).toMatchObject({ status: "paid", real_fen: 1000 });
    const [wrong, genuine] = await trade(t);
    expect(genuine).toMatchObject({ status: "applied", amount_fen: 1000, order_id: id, related_payment_id: null });
    expect(wrong).toMatchObject({
      status: "mismatched",
      reason: "amount_mismatch",
      amount_fen: 999,
      related_payment_id: genuine!.id,
    });
    expect(await outbox(id)).toBe(1);

    // Exact repeats of either are no-ops.
    expect(await notify({ order_id: id, amount: "1000", trade_no: t })).toBe("success");
    expect(await notify({ order_id: id, amount: "999", trade_no: t })).toBe("success");
    expect(await trade(t)).toHaveLength(2);
    expect(await outbox(id)).toBe(1);

    // The console's timeline shows the link.
    const scope = { userName: "ops", appkeys: null, merchants: file.merchants, channels: file.channels };
    const timeline = await loadOrderTimeline(env.ctx, scope, id);
    if (timeline.outcome !== "ok") throw new Error(timeline.outcome);
    const shown = timeline.timeline.events.filter((e) => e.kind === "payment");
    expect(shown).toHaveLength(2);
    const wrongEvent = shown.find((e) => e.status === "mismatched")!;
    expect(wrongEvent).toMatchObject({ paymentId: wrong!.id, relatedPaymentId: genuine!.id });
    expect(wrongEvent.reason).toContain(`#${genuine!.id}`);
  });

  it("a wrong-amount notify after the genuine one is kept for review, linked to the one that applied", async () => {
    const id = await newOrder();
    const t = `WRONG-LATER-${dialect}-${id}`;
    expect(await notify({ order_id: id, amount: "1000", trade_no: t })).toBe("success");
    expect(await notify({ order_id: id, amount: "1001", trade_no: t })).toBe("success");
    const [genuine, wrong] = await trade(t);
    expect(genuine).toMatchObject({ status: "applied", amount_fen: 1000 });
    expect(wrong).toMatchObject({
      status: "unmatched",
      reason: "order_paid",
      amount_fen: 1001,
      order_id: id,
      related_payment_id: genuine!.id,
    });
    expect((await env.ctx.repos.payments.listPaymentsForReview()).map((p) => p.id)).toContain(wrong!.id);
    expect(await outbox(id)).toBe(1);
  });

  it("a trade that paid one order pays no other, whatever its other content", async () => {
    const x = await newOrder("10.00");
    const y = await newOrder("5.00");
    const t = `ONE-TRADE-${dialect}-${x}`;
    expect(await notify({ order_id: x, amount: "1000", trade_no: t })).toBe("success");
    expect(await notify({ order_id: y, amount: "500", trade_no: t })).toBe("success");
    expect((await env.ctx.repos.orders.findOrderById(y))!.status).toBe("pending");
    const [paidX, other] = await trade(t);
    expect(paidX).toMatchObject({ status: "applied", order_id: x });
    expect(other).toMatchObject({ status: "unmatched", reason: "trade_applied", related_payment_id: paidX!.id });
    expect(await outbox(y)).toBe(0);
  });

  it("a payment the provider reports in another wallet goes to review; the genuine one of that trade applies", async () => {
    const id = await newOrder("10.00", "alipay");
    const t = `WALLET-${dialect}-${id}`;
    const pay = (type: "alipay" | "wxpay") =>
      applyPayment(env.ctx, {
        channelId: "sandbox",
        tradeNo: t,
        amountFen: 1000,
        type,
        match: { by: "order_id", orderId: id },
        raw: { type },
      });
    expect(await pay("wxpay")).toEqual({ outcome: "mismatched", orderId: id, reason: "type_mismatch" });
    expect((await env.ctx.repos.orders.findOrderById(id))!.status).toBe("pending");
    expect(await pay("alipay")).toMatchObject({ outcome: "applied", orderId: id });
    expect(await pay("alipay")).toEqual({ outcome: "duplicate" });
    const [wrong, genuine] = await trade(t);
    expect(wrong).toMatchObject({ status: "mismatched", reason: "type_mismatch", reported_type: "wxpay" });
    expect(genuine).toMatchObject({ status: "applied", reported_type: "alipay" });
    expect(wrong!.related_payment_id).toBe(genuine!.id);
  });

  it("a reconciliation answer (it names no wallet) still pays an order whose notify named another wallet", async () => {
    const id = await newOrder("10.00", "alipay");
    const t = `RECONCILED-${dialect}-${id}`;
    const payment = {
      channelId: "sandbox",
      tradeNo: t,
      amountFen: 1000,
      match: { by: "order_id" as const, orderId: id },
    };
    expect((await applyPayment(env.ctx, { ...payment, type: "wxpay", raw: {} })).outcome).toBe("mismatched");
    expect(await applyPayment(env.ctx, { ...payment, raw: { via: "reconcile" } })).toMatchObject({
      outcome: "applied",
    });
    // The notify in the order's own wallet, arriving after, is that same payment.
    expect(await applyPayment(env.ctx, { ...payment, type: "alipay", raw: {} })).toEqual({ outcome: "duplicate" });
    expect((await trade(t)).map((p) => p.status)).toEqual(["mismatched", "applied"]);
  });
});
