import { afterAll, beforeAll, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config/schema";
import { md5 } from "@/lib/crypto/digest";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { closeOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";
import { MONITOR_CLOCK_TOLERANCE_MS } from "@/lib/orders/provider-notify";
import type { DatabaseHandle } from "@/lib/storage/database";
import { startVmqMonitor, type VmqMonitor } from "@/test/support/emulators";
import type { RunningServer } from "@/test/support/http-server";
import { signedCloseParams, signedCreateParams } from "@/test/support/merchant-client";
import { startPaydeskServer } from "@/test/support/paydesk-server";
import { openTestDatabase, testAppConfig, testContext, type TestContext } from "@/test/support/test-context";
import { describeOnDatabases } from "@/test/support/databases";

/**
 * Issue 17, V免签 monitor side: a genuine push re-split into another (its `t` carries no freshness), and a closed
 * order whose amount went at once to the next order, so a late push for it paid someone else.
 */

const KEY = "vmq-forgery-key";
const SHOP = { appkey: "fshop", appsecret: "fshop-secret" };

const file = configFileSchema.parse({
  merchants: [
    {
      ...SHOP,
      name: "Forgery Shop",
      notify_url: "http://127.0.0.1:9/notify",
      return_url: "https://shop.example/r",
      late_grace_seconds: 600,
      channels: ["vmqf"],
    },
  ],
  channels: [{ id: "vmqf", provider: "vmq", types: ["wxpay"], key: KEY, codes: { wxpay: "wxp://f2f0free" } }],
});

describeOnDatabases("V免签 push forgery and closed-order amounts", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let paydesk: RunningServer;
  let app: VmqMonitor;
  let seq = 0;

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    ctx = testContext(db, testAppConfig(file));
    paydesk = await startPaydeskServer(ctx);
    app = startVmqMonitor({ host: `${paydesk.url}/api/vmq/vmqf`, key: KEY, clock: ctx.clock.now });
  });
  afterAll(async () => {
    await paydesk.close();
    await db.close();
  });

  const create = (price: string) =>
    createOrder(ctx, signedCreateParams({ price, type: "wxpay", out_order_id: `${dialect}-f${++seq}` }, SHOP));
  const status = async (orderId: string) => (await ctx.repos.orders.findOrderById(orderId))?.status;

  /** Every earlier amount free again, the app online. */
  async function freshStart(): Promise<void> {
    ctx.clock.advance(3600_000);
    expect((await app.heartbeat()).code).toBe(1);
  }

  /** A push URL signed as the app signs it (`md5(type + price + t + key)`), for a `t` the emulator would not send. */
  async function pushAt(t: number, price: string): Promise<{ code: unknown; msg: unknown }> {
    const sign = md5(`1${price}${t}${KEY}`);
    const res = await fetch(`${paydesk.url}/api/vmq/vmqf/appPush?t=${t}&type=1&price=${price}&sign=${sign}`);
    return (await res.json()) as { code: unknown; msg: unknown };
  }

  it("the same sign with a digit moved from t to price does not pay the order holding that price", async () => {
    await freshStart();
    const x = await create("23.00");
    const y = await create("23.00");
    expect([x.pay_amount, y.pay_amount]).toEqual(["23.00", "23.01"]);

    const genuine = await app.push("wxpay", 2300);
    expect(genuine.price).toBe("23.0");
    expect(genuine.answer).toMatchObject({ code: 1 });
    expect(await status(x.order_id)).toBe("paid");

    // The signed string "1" + "23.0" + "17…" is also "1" + "23.01" + "7…": the same sign, another payment.
    const forged = new URL(genuine.url);
    forged.searchParams.set("t", genuine.t.slice(1));
    forged.searchParams.set("price", "23.01");
    const answer = (await (await fetch(forged)).json()) as { code: unknown; msg: unknown };
    expect(answer).toMatchObject({ code: -1, msg: "客户端时间错误" });
    expect(await status(y.order_id)).toBe("pending");
    expect(await ctx.repos.notifications.findNotificationByOrder(y.order_id)).toBeUndefined();

    // Recorded for the console's review, linked to no order (nothing was credited), with why it was refused.
    const tradeNo = `push:${genuine.t.slice(1)}:wxpay:2301`;
    const kept = await ctx.repos.payments.findPayment("vmqf", tradeNo);
    expect(kept).toMatchObject({ status: "unmatched", order_id: null, amount_fen: 2301, reason: "stale_push" });
    const review = await ctx.repos.payments.listReviewPaymentsInScope({ appkeys: [SHOP.appkey], channelIds: ["vmqf"] });
    expect(review.map((p) => p.trade_no)).toContain(tradeNo);

    // Sent again: one record, still refused.
    expect((await (await fetch(forged)).json()) as unknown).toMatchObject({ code: -1 });
    expect(
      (await ctx.repos.payments.listReviewPaymentsInScope({ appkeys: null, channelIds: null })).filter(
        (p) => p.trade_no === tradeNo,
      ),
    ).toHaveLength(1);
  });

  it("nor with a price's trailing 0 moved into t as a leading zero (the same t, in the window, a new trade number)", async () => {
    await freshStart();
    const first = await create("27.10");
    // The app writes Double.toString ("27.1"); a client writing two decimals is accepted as well.
    const t = ctx.clock.now();
    expect(await pushAt(t, "27.10")).toMatchObject({ code: 1 });
    expect(await status(first.order_id)).toBe("paid");
    const next = await create("27.10"); // the paid order freed 27.10
    expect(next.pay_amount).toBe("27.10");

    // "1" + "27.10" + "17…" = "1" + "27.1" + "017…": the app's clock never writes a leading zero.
    const sign = md5(`127.10${t}${KEY}`);
    const res = await fetch(`${paydesk.url}/api/vmq/vmqf/appPush?t=0${t}&type=1&price=27.1&sign=${sign}`);
    expect(await res.json()).toMatchObject({ code: -1 });
    expect(await status(next.order_id)).toBe("pending");
  });

  it("a push takes the heartbeat's clock window: at its edge it credits, one millisecond past it is refused", async () => {
    await freshStart();
    const edge = await create("24.00");
    const past = await create("25.00");
    const ahead = await create("26.00");
    const now = ctx.clock.now();
    expect(await pushAt(now - MONITOR_CLOCK_TOLERANCE_MS, "24.0")).toMatchObject({ code: 1 });
    expect(await status(edge.order_id)).toBe("paid");

    expect(await pushAt(now - MONITOR_CLOCK_TOLERANCE_MS - 1, "25.0")).toMatchObject({
      code: -1,
      msg: "客户端时间错误",
    });
    expect(await pushAt(now + MONITOR_CLOCK_TOLERANCE_MS + 1, "26.0")).toMatchObject({
      code: -1,
      msg: "客户端时间错误",
    });
    expect([await status(past.order_id), await status(ahead.order_id)]).toEqual(["pending", "pending"]);
    // The heartbeat draws the same line.
    expect((await app.heartbeat({ t: now - MONITOR_CLOCK_TOLERANCE_MS })).code).toBe(1);
    expect((await app.heartbeat({ t: now - MONITOR_CLOCK_TOLERANCE_MS - 1 })).code).toBe(-1);
  });

  it("a closed order keeps its amount through the grace: the next order gets another, a late push goes to review", async () => {
    await freshStart();
    const a = await create("10.00");
    expect(a.pay_amount).toBe("10.00");
    await closeOrder(ctx, signedCloseParams(`${dialect}-f${seq}`, SHOP));
    expect(await status(a.order_id)).toBe("closed");

    const b = await create("10.00");
    expect(b.pay_amount).toBe("10.01");

    const late = await app.push("wxpay", 1000);
    expect(late.answer).toMatchObject({ code: 1 }); // recorded: the app has nothing to retry
    expect(await status(b.order_id)).toBe("pending");
    expect(await status(a.order_id)).toBe("closed");
    const kept = await ctx.repos.payments.findPayment("vmqf", `push:${late.t}:wxpay:1000`);
    expect(kept).toMatchObject({ status: "unmatched", order_id: a.order_id, reason: "order_closed" });
    expect(await ctx.repos.notifications.findNotificationByOrder(b.order_id)).toBeUndefined();

    // B's own amount still pays B.
    await app.push("wxpay", 1001);
    expect(await status(b.order_id)).toBe("paid");

    // Once A's expiry plus the grace passed, 10.00 goes to a new order again.
    ctx.clock.advance(300_000 + 600_000 + 1000);
    await app.heartbeat();
    expect((await create("10.00")).pay_amount).toBe("10.00");
  });
});
