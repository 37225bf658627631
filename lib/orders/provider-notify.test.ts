import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { md5 } from "@/lib/merchant-protocol/sign";
import type { DatabaseHandle } from "@/lib/storage/database";
import { findOrderById, sweepOrders } from "@/lib/storage/orders-repo";
import { signedCreateParams } from "@/test/support/merchant-client";
import {
  openTestDatabase,
  postgresUnavailableReason,
  testAppConfig,
  testContext,
  type TestContext,
  type TestDialect,
} from "@/test/support/test-context";
import { createOrder } from "./create-order";

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

const pgReason = await postgresUnavailableReason();
if (pgReason) console.warn(`[notify ingestion] PostgreSQL suite skipped: ${pgReason}`);

describe.each<TestDialect>(["sqlite", "postgres"])("notify ingestion on %s", (dialect) => {
  const skip = dialect === "postgres" && pgReason !== null;
  let db: DatabaseHandle;
  let ctx: TestContext;
  let seq = 0;

  beforeAll(async () => {
    if (!skip) db = await openTestDatabase(dialect);
  });
  afterAll(async () => {
    if (!skip) await db.close();
  });
  beforeEach(() => {
    if (!skip) ctx = testContext(db, testAppConfig(file));
  });

  async function newOrder(price = "10.00", type = "alipay"): Promise<string> {
    const created = await createOrder(ctx, signedCreateParams({ price, type, out_order_id: `${dialect}-${++seq}` }));
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
      () => Promise.resolve(ctx),
    ).then(async (r) => ({ status: r.status, body: await r.text() }));
  }

  const payments = (orderId: string) =>
    ctx.db.selectFrom("payments").selectAll().where("order_id", "=", orderId).execute();
  const outbox = (orderId: string) =>
    ctx.db.selectFrom("notifications").selectAll().where("order_id", "=", orderId).execute();

  it.skipIf(skip)("a bad signature answers fail and changes nothing", async () => {
    const id = await newOrder();
    const body = new URLSearchParams({ order_id: id, amount: "1000", trade_no: "BAD-1", sign: md5("forged") });
    const res = await handleNotify(
      new Request("http://x/api/notify/sandbox", { method: "POST", body }),
      "sandbox",
      () => Promise.resolve(ctx),
    );
    expect(await res.text()).toBe("fail");
    const wrongKey = await notify("sandbox", { order_id: id, amount: "1000", trade_no: "BAD-2" }, "not-the-key");
    expect(wrongKey.body).toBe("fail");
    expect((await findOrderById(ctx.db, id))!.status).toBe("pending");
    expect(
      await ctx.db.selectFrom("payments").selectAll().where("trade_no", "in", ["BAD-1", "BAD-2"]).execute(),
    ).toHaveLength(0);
  });

  it.skipIf(skip)("pays the order once for sequential duplicates", async () => {
    const id = await newOrder();
    for (let i = 0; i < 3; i++)
      expect((await notify("sandbox", { order_id: id, amount: "1000", trade_no: `DUP-${id}` })).body).toBe("success");
    const order = await findOrderById(ctx.db, id);
    expect(order).toMatchObject({ status: "paid", real_fen: 1000, late: 0 });
    expect(await payments(id)).toHaveLength(1);
    expect(await outbox(id)).toHaveLength(1);
  });

  it.skipIf(skip)("pays the order once when identical notifies arrive at the same moment", async () => {
    const id = await newOrder();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => notify("sandbox", { order_id: id, amount: "1000", trade_no: `RACE-${id}` })),
    );
    expect(results.every((r) => r.body === "success")).toBe(true);
    expect(await payments(id)).toHaveLength(1);
    expect(await outbox(id)).toHaveLength(1);
    expect((await findOrderById(ctx.db, id))!.status).toBe("paid");
  });

  it.skipIf(skip)(
    "two different payments racing for one order: one credits it, the other is kept for review",
    async () => {
      const id = await newOrder();
      await Promise.all([
        notify("sandbox", { order_id: id, amount: "1000", trade_no: `TWICE-A-${id}` }),
        notify("sandbox", { order_id: id, amount: "1000", trade_no: `TWICE-B-${id}` }),
      ]);
      const rows = await payments(id);
      expect(rows.map((r) => r.status).sort()).toEqual(["applied", "unmatched"]);
      expect(rows.find((r) => r.status === "unmatched")!.reason).toBe("order_paid");
      expect(await outbox(id)).toHaveLength(1);
    },
  );

  it.skipIf(skip)("a wrong amount keeps the order pending and the payment as mismatched", async () => {
    const id = await newOrder();
    expect((await notify("sandbox", { order_id: id, amount: "999", trade_no: `SHORT-${id}` })).body).toBe("success");
    expect((await findOrderById(ctx.db, id))!.status).toBe("pending");
    const [p] = await payments(id);
    expect(p).toMatchObject({ status: "mismatched", amount_fen: 999, reason: "amount_mismatch" });
    expect(await outbox(id)).toHaveLength(0);
  });

  it.skipIf(skip)("a late payment within the grace period pays the expired order with late=true", async () => {
    const id = await newOrder();
    ctx.clock.advance(300_000 + 60_000);
    await sweepOrders(ctx.db, ctx.now(), 0);
    expect((await findOrderById(ctx.db, id))!.status).toBe("expired");
    await notify("sandbox", { order_id: id, amount: "1000", trade_no: `LATE-${id}` });
    expect(await findOrderById(ctx.db, id)).toMatchObject({ status: "paid", late: 1 });
    expect(await outbox(id)).toHaveLength(1);
  });

  it.skipIf(skip)("a payment after the grace period is kept unmatched and the order stays expired", async () => {
    const id = await newOrder();
    ctx.clock.advance(300_000 + 600_001);
    await notify("sandbox", { order_id: id, amount: "1000", trade_no: `TOOLATE-${id}` });
    expect((await findOrderById(ctx.db, id))!.status).toBe("pending"); // stored; the view shows expired
    const [p] = await payments(id);
    expect(p).toMatchObject({ status: "unmatched", reason: "grace_passed" });
    expect(await outbox(id)).toHaveLength(0);
  });

  it.skipIf(skip)("a channel cannot pay another channel's order, and unknown orders are kept", async () => {
    const wx = await newOrder("1.00", "wxpay"); // collected by sandbox-b
    expect((await notify("sandbox", { order_id: wx, amount: "100", trade_no: `CROSS-${wx}` })).body).toBe("success");
    expect((await findOrderById(ctx.db, wx))!.status).toBe("pending");
    const stray = await ctx.db
      .selectFrom("payments")
      .selectAll()
      .where("trade_no", "=", `CROSS-${wx}`)
      .executeTakeFirst();
    expect(stray).toMatchObject({ status: "unmatched", reason: "no_order", order_id: null });
    expect((await notify("sandbox-b", { order_id: wx, amount: "100", trade_no: `OWN-${wx}` }, "other-key")).body).toBe(
      "success",
    );
    expect((await findOrderById(ctx.db, wx))!.status).toBe("paid");
  });

  it.skipIf(skip)("an unknown channel is a 404", async () => {
    const res = await handleNotify(new Request("http://x/api/notify/nope", { method: "POST", body: "" }), "nope", () =>
      Promise.resolve(ctx),
    );
    expect(res.status).toBe(404);
  });
});
