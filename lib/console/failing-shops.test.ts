import { expect, it } from "vitest";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { setUpConsoleSuite } from "@/test/support/console-suite";
import { describeOnDatabases } from "@/test/support/databases";
import { dispatchOnce } from "@/test/support/dispatch-once";
import { signedCreateParams } from "@/test/support/merchant-client";
import { postSandboxNotify } from "@/test/support/sandbox-notify";
import { loadFailingShops, resendShopFromConsole } from "./failing-shops";
import { loadOrderTimeline } from "./order-timeline";
import { loadOverview } from "./overview";

describeOnDatabases("console failing shops and bulk resend", (dialect) => {
  const env = setUpConsoleSuite(dialect, "一号小店");
  const { shop, scope } = env;
  let seq = 0;
  /** A paid k1 order whose notification the shop has refused once (it answers `fail`). */
  async function failedOnce(): Promise<string> {
    const orderId = (
      await createOrder(
        env.ctx,
        signedCreateParams({ price: "3.00", type: "alipay", out_order_id: `${dialect}-f-${++seq}` }),
      )
    ).order_id;
    expect(await postSandboxNotify(env.ctx, { orderId, amount: "300", tradeNo: `T-${orderId}` })).toBe("success");
    return orderId;
  }
  const notification = (orderId: string) => env.ctx.repos.notifications.findNotificationByOrder(orderId);
  const audit = () =>
    env.db.db.selectFrom("console_audit").selectAll().where("action", "=", "resend_shop").orderBy("id").execute();

  it("names failing shops with the doctor's class, reads 失败重试中, and resends one shop's in bulk", async () => {
    shop.behaviour = "fail";
    const a = await failedOnce();
    const b = await failedOnce();
    expect(await dispatchOnce(env.ctx)).toBe(2);

    const shops = await loadFailingShops(env.ctx, scope("ops"));
    expect(shops).toHaveLength(1);
    expect(shops[0]).toMatchObject({ appkey: "k1", name: "一号小店", retrying: 2, failed: 0 });
    expect(shops[0]!.diagnosis).toEqual({ class: "bad_ack", detail: "fail" });
    // An operator of k2 only sees none of k1's.
    expect(await loadFailingShops(env.ctx, scope("k2-only"))).toEqual([]);

    const overview = await loadOverview(env.ctx, scope("ops"));
    const row = overview.failing.find((f) => f.order_id === a)!;
    expect(row.shopName).toBe("一号小店");
    expect(row.notify).toMatchObject({ key: "retrying", diagnosis: { class: "bad_ack", detail: "fail" } });
    expect(row.notify.nextAttemptAt).toBeGreaterThan(env.ctx.now());
    const timeline = await loadOrderTimeline(env.ctx, scope("ops"), a);
    expect(timeline.outcome === "ok" && timeline.timeline.notify?.key).toBe("retrying");

    const heard: string[] = [];
    env.ctx.events.subscribe((e) => heard.push(e.type));
    const r = await resendShopFromConsole(env.ctx, scope("ops"), "k1");
    expect(r).toEqual({ outcome: "queued", count: 2 });
    for (const id of [a, b])
      expect(await notification(id)).toMatchObject({ status: "pending", attempts: 0, next_attempt_at: env.ctx.now() });
    expect(heard).toContain("notification.due");
    const entries = await audit();
    expect(entries.at(-1)).toMatchObject({ user_name: "ops", action: "resend_shop", appkey: "k1", order_id: null });
    expect(entries.at(-1)!.detail).toMatch(/^2 notification/);

    // Nothing failed since: a second click resends nothing (and says so in the audit).
    expect(await resendShopFromConsole(env.ctx, scope("ops"), "k1")).toEqual({
      outcome: "nothing_to_resend",
      count: 0,
    });
    shop.behaviour = "success";
    expect(await dispatchOnce(env.ctx)).toBe(2);
    expect((await notification(a))?.status).toBe("delivered");
    expect(await loadFailingShops(env.ctx, scope("ops"))).toEqual([]);
  });

  it("refuses another merchant's shop (nothing requeued, nothing audited) and an unknown one", async () => {
    shop.behaviour = "fail";
    const a = await failedOnce();
    expect(await dispatchOnce(env.ctx)).toBe(1);
    const before = (await audit()).length;
    expect(await resendShopFromConsole(env.ctx, scope("k2-only"), "k1")).toEqual({ outcome: "forbidden" });
    expect(await notification(a)).toMatchObject({ status: "pending", attempts: 1 });
    expect((await audit()).length).toBe(before);
    expect(await resendShopFromConsole(env.ctx, scope("ops"), "nope")).toEqual({ outcome: "not_found" });
    // k2-only may resend their own shop (none failing here).
    expect(await resendShopFromConsole(env.ctx, scope("k2-only"), "k2")).toEqual({
      outcome: "nothing_to_resend",
      count: 0,
    });
  });
});
