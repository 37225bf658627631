import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import type { DatabaseHandle } from "@/lib/storage/database";
import { twoShopConsoleConfig } from "@/test/support/console-config";
import { describeOnDatabases } from "@/test/support/databases";
import { dispatchOnce } from "@/test/support/dispatch-once";
import { FakeShop } from "@/test/support/fake-shop";
import { signedCreateParams } from "@/test/support/merchant-client";
import { postSandboxNotify } from "@/test/support/sandbox-notify";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import { scopeFor } from "./console-scope";
import { loadFailingShops, resendShopFromConsole } from "./failing-shops";
import { loadOrderTimeline } from "./order-timeline";
import { loadOverview } from "./overview";

describeOnDatabases("console failing shops and bulk resend", (dialect) => {
  const shop = new FakeShop();
  let db: DatabaseHandle;
  let ctx: TestContext;
  let seq = 0;

  beforeAll(async () => {
    await shop.start();
    db = await openTestDatabase(dialect);
  });
  afterAll(async () => {
    await shop.stop();
    await db.close();
  });
  beforeEach(() => {
    ctx = testContext(db, twoShopConsoleConfig({ notifyUrl: shop.notifyUrl, k1Name: "一号小店" }));
  });

  const scope = (name: string) =>
    scopeFor(
      ctx.config,
      ctx.config.consoleUsers.find((u) => u.name === name)!,
    );
  /** A paid k1 order whose notification the shop has refused once (it answers `fail`). */
  async function failedOnce(): Promise<string> {
    const orderId = (
      await createOrder(
        ctx,
        signedCreateParams({ price: "3.00", type: "alipay", out_order_id: `${dialect}-f-${++seq}` }),
      )
    ).order_id;
    expect(await postSandboxNotify(ctx, { orderId, amount: "300", tradeNo: `T-${orderId}` })).toBe("success");
    return orderId;
  }
  const notification = (orderId: string) => ctx.repos.notifications.findNotificationByOrder(orderId);
  const audit = () =>
    db.db.selectFrom("console_audit").selectAll().where("action", "=", "resend_shop").orderBy("id").execute();

  it("names failing shops with the doctor's class, reads 失败重试中, and resends one shop's in bulk", async () => {
    shop.behaviour = "fail";
    const a = await failedOnce();
    const b = await failedOnce();
    expect(await dispatchOnce(ctx)).toBe(2);

    const shops = await loadFailingShops(ctx, scope("ops"));
    expect(shops).toHaveLength(1);
    expect(shops[0]).toMatchObject({ appkey: "k1", name: "一号小店", retrying: 2, failed: 0 });
    expect(shops[0]!.diagnosis).toEqual({ class: "bad_ack", detail: "fail" });
    // An operator of k2 only sees none of k1's.
    expect(await loadFailingShops(ctx, scope("k2-only"))).toEqual([]);

    const overview = await loadOverview(ctx, scope("ops"));
    const row = overview.failing.find((f) => f.order_id === a)!;
    expect(row.shopName).toBe("一号小店");
    expect(row.notify).toMatchObject({ key: "retrying", diagnosis: { class: "bad_ack", detail: "fail" } });
    expect(row.notify.nextAttemptAt).toBeGreaterThan(ctx.now());
    const timeline = await loadOrderTimeline(ctx, scope("ops"), a);
    expect(timeline.outcome === "ok" && timeline.timeline.notify?.key).toBe("retrying");

    const heard: string[] = [];
    ctx.events.subscribe((e) => heard.push(e.type));
    const r = await resendShopFromConsole(ctx, scope("ops"), "k1");
    expect(r).toEqual({ outcome: "queued", count: 2 });
    for (const id of [a, b])
      expect(await notification(id)).toMatchObject({ status: "pending", attempts: 0, next_attempt_at: ctx.now() });
    expect(heard).toContain("notification.due");
    const entries = await audit();
    expect(entries.at(-1)).toMatchObject({ user_name: "ops", action: "resend_shop", appkey: "k1", order_id: null });
    expect(entries.at(-1)!.detail).toMatch(/^2 notification/);

    // Nothing failed since: a second click resends nothing (and says so in the audit).
    expect(await resendShopFromConsole(ctx, scope("ops"), "k1")).toEqual({ outcome: "nothing_to_resend", count: 0 });
    shop.behaviour = "success";
    expect(await dispatchOnce(ctx)).toBe(2);
    expect((await notification(a))?.status).toBe("delivered");
    expect(await loadFailingShops(ctx, scope("ops"))).toEqual([]);
  });

  it("refuses another merchant's shop (nothing requeued, nothing audited) and an unknown one", async () => {
    shop.behaviour = "fail";
    const a = await failedOnce();
    expect(await dispatchOnce(ctx)).toBe(1);
    const before = (await audit()).length;
    expect(await resendShopFromConsole(ctx, scope("k2-only"), "k1")).toEqual({ outcome: "forbidden" });
    expect(await notification(a)).toMatchObject({ status: "pending", attempts: 1 });
    expect((await audit()).length).toBe(before);
    expect(await resendShopFromConsole(ctx, scope("ops"), "nope")).toEqual({ outcome: "not_found" });
    // k2-only may resend their own shop (none failing here).
    expect(await resendShopFromConsole(ctx, scope("k2-only"), "k2")).toEqual({
      outcome: "nothing_to_resend",
      count: 0,
    });
  });
});
