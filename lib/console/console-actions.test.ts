import { dispatchOnce } from "@/test/support/dispatch-once";
import { expect, it } from "vitest";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { signedCreateParams } from "@/test/support/merchant-client";
import { postSandboxNotify } from "@/test/support/sandbox-notify";
import { setUpConsoleSuite } from "@/test/support/console-suite";
import { describeOnDatabases } from "@/test/support/databases";
import { creditFromConsole, dismissFromConsole, resendFromConsole } from "./console-actions";

describeOnDatabases("console actions", (dialect) => {
  const env = setUpConsoleSuite(dialect, "Shop 1");
  const { shop, scope } = env;
  let seq = 0;
  const newOrder = async (price = "10.00") =>
    (await createOrder(env.ctx, signedCreateParams({ price, type: "alipay", out_order_id: `${dialect}-c-${++seq}` })))
      .order_id;
  async function pay(orderId: string, amount: string, tradeNo: string) {
    expect(await postSandboxNotify(env.ctx, { orderId, amount, tradeNo })).toBe("success");
    return env.db.db
      .selectFrom("payments")
      .selectAll()
      .where("channel_id", "=", "sandbox")
      .where("trade_no", "=", tradeNo)
      .executeTakeFirstOrThrow();
  }
  const dispatch = () => dispatchOnce(env.ctx);
  const audit = (orderId: string) =>
    env.db.db.selectFrom("console_audit").selectAll().where("order_id", "=", orderId).orderBy("id").execute();

  it("credits a wrong-amount payment once: order paid, the shop notified exactly once, audit logged", async () => {
    const orderId = await newOrder("10.00");
    const payment = await pay(orderId, "990", `SHORT-${orderId}`);
    expect(payment.status).toBe("mismatched");

    const first = await creditFromConsole(env.ctx, scope("ops"), {
      paymentId: payment.id,
      orderId,
      reason: "customer paid 9.90, accepted",
    });
    expect(first).toEqual({ outcome: "credited" });
    const again = await creditFromConsole(env.ctx, scope("ops"), {
      paymentId: payment.id,
      orderId,
      reason: "double click",
    });
    expect(again).toEqual({ outcome: "payment_settled" });

    expect(await env.ctx.repos.orders.findOrderById(orderId)).toMatchObject({ status: "paid", real_fen: 990 });
    expect(await dispatch()).toBe(1);
    expect(await dispatch()).toBe(0);
    const got = shop.verifiedFor(orderId);
    expect(got).toHaveLength(1);
    expect(got[0]!.fields).toMatchObject({ order_id: orderId, price: "10.00", realprice: "9.90" });

    const entries = await audit(orderId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      user_name: "ops",
      action: "credit",
      appkey: "k1",
      payment_id: payment.id,
      reason: "customer paid 9.90, accepted",
    });
  });

  it("announces after commit what the dispatcher and the pages must hear: credit → paid + due, resend → due", async () => {
    const heard: string[] = [];
    env.ctx.events.subscribe((e) => heard.push(`${e.type}:${"orderId" in e ? e.orderId : ""}`));
    const orderId = await newOrder("4.00");
    const payment = await pay(orderId, "390", `EV-${orderId}`);
    heard.length = 0;
    expect(await creditFromConsole(env.ctx, scope("ops"), { paymentId: payment.id, orderId, reason: "ok" })).toEqual({
      outcome: "credited",
    });
    expect(heard).toEqual([`order.paid:${orderId}`, `notification.due:${orderId}`]);
    heard.length = 0;
    expect(await resendFromConsole(env.ctx, scope("ops"), orderId)).toEqual({ outcome: "queued" });
    expect(heard).toEqual([`notification.due:${orderId}`]);
    heard.length = 0;
    expect(await resendFromConsole(env.ctx, scope("ops"), "NO-SUCH-ORDER")).toEqual({ outcome: "not_found" });
    expect(heard).toEqual([]);
  });

  it("credits a payment that matched no order to the order the operator names, even a closed one", async () => {
    const orderId = await newOrder("7.00");
    await env.ctx.repos.orders.transitionOrder(orderId, ["pending"], "closed", env.ctx.now(), {
      closed_at: env.ctx.now(),
    });
    const stray = await pay(`NO-SUCH-${orderId}`, "700", `STRAY-${orderId}`);
    expect(stray).toMatchObject({ status: "unmatched", reason: "no_order", order_id: null });
    expect(await creditFromConsole(env.ctx, scope("k2-only"), { paymentId: stray.id, orderId, reason: "x" })).toEqual({
      outcome: "forbidden",
    });
    expect(
      await creditFromConsole(env.ctx, scope("ops"), { paymentId: stray.id, orderId: "NOPE", reason: "x" }),
    ).toEqual({
      outcome: "order_not_found",
    });
    expect(
      await creditFromConsole(env.ctx, scope("ops"), {
        paymentId: stray.id,
        orderId,
        reason: "payer typed the wrong memo",
      }),
    ).toEqual({ outcome: "credited" });
    expect(await env.ctx.repos.orders.findOrderById(orderId)).toMatchObject({ status: "paid", real_fen: 700 });
    expect(await env.ctx.repos.payments.findPaymentById(stray.id)).toMatchObject({
      status: "applied",
      order_id: orderId,
      reason: "credited",
    });
    expect(
      await env.db.db.selectFrom("notifications").selectAll().where("order_id", "=", orderId).execute(),
    ).toHaveLength(1);
  });

  it("a second review payment cannot credit an order that is already paid", async () => {
    const orderId = await newOrder("5.00");
    const a = await pay(orderId, "400", `A-${orderId}`);
    const b = await pay(orderId, "450", `B-${orderId}`);
    expect(await creditFromConsole(env.ctx, scope("ops"), { paymentId: a.id, orderId, reason: "ok" })).toEqual({
      outcome: "credited",
    });
    expect(await creditFromConsole(env.ctx, scope("ops"), { paymentId: b.id, orderId, reason: "ok" })).toEqual({
      outcome: "order_paid",
    });
    const stillInReview = await env.db.db
      .selectFrom("payments")
      .select("status")
      .where("id", "=", b.id)
      .executeTakeFirstOrThrow();
    expect(stillInReview.status).toBe("mismatched");
    expect(
      await env.db.db.selectFrom("notifications").selectAll().where("order_id", "=", orderId).execute(),
    ).toHaveLength(1);
  });

  it("racing credits of one payment to two orders: exactly one wins", async () => {
    const o1 = await newOrder("3.00");
    const o2 = await newOrder("3.00");
    const p = await pay(o1, "299", `RACE-${o1}`);
    const results = await Promise.all([
      creditFromConsole(env.ctx, scope("ops"), { paymentId: p.id, orderId: o1, reason: "r1" }),
      creditFromConsole(env.ctx, scope("ops"), { paymentId: p.id, orderId: o2, reason: "r2" }),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["credited", "payment_settled"]);
    const paid = await env.db.db
      .selectFrom("orders")
      .select("id")
      .where("id", "in", [o1, o2])
      .where("status", "=", "paid")
      .execute();
    expect(paid).toHaveLength(1);
  });

  it("an operator scoped to another merchant is refused (forbidden), and nothing changes", async () => {
    const orderId = await newOrder("2.00");
    const payment = await pay(orderId, "150", `SCOPE-${orderId}`);
    expect(await creditFromConsole(env.ctx, scope("k2-only"), { paymentId: payment.id, orderId, reason: "x" })).toEqual(
      {
        outcome: "forbidden",
      },
    );
    expect(await dismissFromConsole(env.ctx, scope("k2-only"), { paymentId: payment.id, reason: "x" })).toEqual({
      outcome: "forbidden",
    });
    expect(await resendFromConsole(env.ctx, scope("k2-only"), orderId)).toEqual({ outcome: "forbidden" });
    expect((await env.ctx.repos.orders.findOrderById(orderId))!.status).toBe("pending");
    expect(await audit(orderId)).toHaveLength(0);
  });

  it("dismiss takes a payment out of review once, with the reason logged", async () => {
    const orderId = await newOrder("2.00");
    const payment = await pay(orderId, "199", `DIS-${orderId}`);
    expect(
      await dismissFromConsole(env.ctx, scope("ops"), { paymentId: payment.id, reason: "refunded by hand" }),
    ).toEqual({
      outcome: "dismissed",
    });
    expect(await dismissFromConsole(env.ctx, scope("ops"), { paymentId: payment.id, reason: "again" })).toEqual({
      outcome: "payment_settled",
    });
    expect(
      await creditFromConsole(env.ctx, scope("ops"), { paymentId: payment.id, orderId, reason: "late change of mind" }),
    ).toEqual({ outcome: "payment_settled" });
    expect((await audit(orderId)).map((e) => [e.action, e.reason])).toEqual([["dismiss", "refunded by hand"]]);
  });

  it("resend requeues a notification that is failing now and logs it", async () => {
    const orderId = await newOrder("1.00");
    await pay(orderId, "100", `OK-${orderId}`);
    await env.db.db
      .updateTable("notifications")
      .set({ status: "delivered" })
      .where("order_id", "!=", orderId)
      .execute();
    shop.behaviour = "fail";
    try {
      expect(await dispatch()).toBe(1);
      const before = await env.db.db
        .selectFrom("notifications")
        .selectAll()
        .where("order_id", "=", orderId)
        .executeTakeFirstOrThrow();
      expect(before).toMatchObject({ status: "pending", attempts: 1 });
      expect(before.next_attempt_at).toBeGreaterThan(env.ctx.now());
      expect(await resendFromConsole(env.ctx, scope("ops"), orderId)).toEqual({ outcome: "queued" });
      shop.behaviour = "success";
      expect(await dispatch()).toBe(1);
      const after = await env.db.db
        .selectFrom("notifications")
        .selectAll()
        .where("order_id", "=", orderId)
        .executeTakeFirstOrThrow();
      expect(after.status).toBe("delivered");
      expect(await resendFromConsole(env.ctx, scope("ops"), orderId)).toEqual({ outcome: "nothing_to_resend" });
      expect((await audit(orderId)).map((e) => e.action)).toEqual(["resend", "resend"]);
    } finally {
      shop.behaviour = "success";
    }
  });
});
