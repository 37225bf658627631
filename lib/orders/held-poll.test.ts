import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackgroundWork } from "@/lib/background";
import type { AppContext } from "@/lib/context";
import { createEventBus, LocalEventBus } from "@/lib/events/event-bus";
import { liveOrdersFor } from "@/lib/events/live-orders";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { FakeShop } from "@/test/support/fake-shop";
import { signedCreateParams } from "@/test/support/merchant-client";
import {
  dropTestSchema,
  postgresUnavailableReason,
  TEST_PG_URL,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import { metrics } from "@/lib/metrics";
import { applyPayment } from "./apply-payment";
import { creditReviewedPayment } from "./credit-reviewed-payment";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { queryOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";
import { buildPublicView } from "./order-views";

interface Envelope {
  code: number;
  data?: { order_id: string; status: string; return_url?: string; expires_in: number };
}

const silent = pino({ level: "silent" });
let seq = 0;

async function newOrder(ctx: AppContext): Promise<string> {
  const create = merchantHandler(createOrder, () => Promise.resolve(ctx));
  const body = new URLSearchParams(
    signedCreateParams({
      price: "3.00",
      type: "alipay",
      out_order_id: `hp-${++seq}-${randomBytes(3).toString("hex")}`,
    }),
  );
  const res = (await (await create(new Request("http://x/api/cloudpay/create", { method: "POST", body }))).json()) as {
    data: { order_id: string };
  };
  return res.data.order_id;
}

/** The nosign query as the page sends it; resolves with the envelope and how long it took. */
async function poll(
  ctx: AppContext,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ body: Envelope; ms: number }> {
  const query = merchantHandler(queryOrder, () => Promise.resolve(ctx));
  const started = Date.now();
  const res = await query(
    new Request(`http://x/api/cloudpay/query?${new URLSearchParams({ sign: "nosign", ...params })}`, { signal }),
  );
  return { body: (await res.json()) as Envelope, ms: Date.now() - started };
}

const pay = (ctx: AppContext, orderId: string) =>
  applyPayment(ctx, {
    channelId: "sandbox",
    tradeNo: `T-${orderId}`,
    amountFen: 300,
    match: { by: "order_id", orderId },
    raw: {},
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tempSqliteUrl(): string {
  return `file:${path.join(os.tmpdir(), `paydesk-held-${randomBytes(6).toString("hex")}.db`)}`;
}

describe("held nosign poll (SQLite, one process)", () => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  const shop = new FakeShop();

  beforeAll(async () => {
    await shop.start();
    db = await openDatabase(tempSqliteUrl());
    const file = testConfigFile();
    file.merchants[0]!.notify_url = shop.notifyUrl;
    ctx = testContext(db, testAppConfig(file));
    ctx.now = () => Date.now();
  });
  afterAll(async () => {
    await shop.stop();
    await db.close();
  });

  it("answers on payment, long before its wait ends", async () => {
    const orderId = await newOrder(ctx);
    const held = poll(ctx, { order_id: orderId, status: "pending", wait: "10" });
    await sleep(150);
    expect((await pay(ctx, orderId)).outcome).toBe("applied");
    const { body, ms } = await held;
    expect(body.code).toBe(100);
    expect(body.data!.status).toBe("paid");
    expect(ms).toBeLessThan(2_000);
  });

  it("answers at `wait` with the unchanged status when nothing happens", async () => {
    const orderId = await newOrder(ctx);
    const { body, ms } = await poll(ctx, { order_id: orderId, status: "pending", wait: "1" });
    expect(body.data!.status).toBe("pending");
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(3_000);
  });

  it("answers at once when the status already differs from the one the page shows", async () => {
    const orderId = await newOrder(ctx);
    await pay(ctx, orderId);
    const { body, ms } = await poll(ctx, { order_id: orderId, status: "pending", wait: "20" });
    expect(body.data!.status).toBe("paid");
    expect(ms).toBeLessThan(500);
  });

  it("counts the shop's acknowledgement as a change: paid → paid with return_url", async () => {
    const orderId = await newOrder(ctx);
    await pay(ctx, orderId);
    const bg = startBackgroundWork(ctx, "held-ack");
    try {
      const { body, ms } = await poll(ctx, { order_id: orderId, status: "paid", wait: "8" });
      expect(body.data!.status).toBe("paid");
      expect(body.data!.return_url).toMatch(/^https:\/\/shop\.example\/return\?/);
      // Well before the 10 s after which the page may go back without the shop's answer.
      expect(ms).toBeLessThan(5_000);
      expect(shop.verifiedFor(orderId)).toHaveLength(1);
    } finally {
      await bg.stop();
    }
  });

  it("old clients without status/wait get today's answer at once", async () => {
    const orderId = await newOrder(ctx);
    const variants: Record<string, string>[] = [
      { order_id: orderId },
      { order_id: orderId, status: "pending" },
      { order_id: orderId, wait: "10" },
    ];
    for (const params of variants) {
      const { body, ms } = await poll(ctx, params);
      expect(ms).toBeLessThan(500);
      expect(body.code).toBe(100);
      const order = (await ctx.repos.orders.findOrderById(orderId))!;
      expect(body.data).toEqual(buildPublicView(ctx.messages, ctx.config.merchants[0], order, undefined, ctx.now()));
      expect(Object.keys(body.data!).sort()).toEqual([
        "expires_in",
        "order_id",
        "pay_amount",
        "price",
        "status",
        "type",
      ]);
    }
  });

  it("an operator's credit from review wakes the held poll, and the held-poll gauge counts it while it waits", async () => {
    const orderId = await newOrder(ctx);
    // 2.00 of 3.00: kept for review as mismatched, then credited by an operator.
    const short = await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: `SHORT-${orderId}`,
      amountFen: 200,
      match: { by: "order_id", orderId },
      raw: {},
    });
    expect(short.outcome).toBe("mismatched");
    const payment = (await ctx.repos.payments.listPaymentsForReview(50)).find((p) => p.order_id === orderId)!;
    const gauge = async () => (await metrics().heldPolls.get()).values[0]?.value ?? 0;
    const before = await gauge();
    const held = poll(ctx, { order_id: orderId, status: "pending", wait: "10" });
    await expect.poll(gauge, { timeout: 2_000 }).toBe(before + 1);
    const credited = await creditReviewedPayment(ctx, {
      paymentId: payment.id,
      orderId,
      userName: "ops",
      reason: "accepted",
    });
    expect(credited.outcome).toBe("credited");
    const { body, ms } = await held;
    expect(body.data!.status).toBe("paid");
    expect(ms).toBeLessThan(2_000);
    expect(await gauge()).toBe(before);
  });

  it("lets go of a held poll whose client went away", async () => {
    const orderId = await newOrder(ctx);
    const live = liveOrdersFor(ctx);
    const before = live.waiting;
    const aborts = Array.from({ length: 5 }, () => new AbortController());
    const held = aborts.map((a) => poll(ctx, { order_id: orderId, status: "pending", wait: "20" }, a.signal));
    await sleep(100);
    expect(live.waiting).toBe(before + 5);
    for (const a of aborts) a.abort();
    await Promise.all(held);
    expect(live.waiting).toBe(before);
  });
});

describe("a killed instance's events are caught up by the safety-net timers", () => {
  const shop = new FakeShop();
  let dbUrl: string;
  let handles: DatabaseHandle[] = [];

  beforeAll(async () => {
    await shop.start();
    dbUrl = tempSqliteUrl();
  });
  afterAll(async () => {
    await shop.stop();
    for (const h of handles) await h.close();
  });

  it("a payment committed without its events still reaches the held page and the shop", async () => {
    const file = testConfigFile();
    file.merchants[0]!.notify_url = shop.notifyUrl;
    const config = { ...testAppConfig(file), dispatchIntervalMs: 300 };
    handles = [await openDatabase(dbUrl), await openDatabase(dbUrl)];
    // Instance A commits and dies before publishing: its bus reaches nobody.
    const mute = new LocalEventBus();
    mute.publish = async () => undefined;
    const a = testContext(handles[0]!, config, { events: mute, now: () => Date.now() });
    const b = testContext(handles[1]!, config, { now: () => Date.now() });
    liveOrdersFor(b, 300);
    const bg = startBackgroundWork(b, "survivor");
    try {
      const orderId = await newOrder(a);
      const held = poll(b, { order_id: orderId, status: "pending", wait: "10" });
      await sleep(100);
      await pay(a, orderId);
      const { body, ms } = await held;
      expect(body.data!.status).toBe("paid");
      expect(ms).toBeLessThan(3_000);
      await expect.poll(() => shop.verifiedFor(orderId).length, { timeout: 5_000 }).toBe(1);
    } finally {
      await bg.stop();
    }
  });
});

describe("held poll across two instances (PostgreSQL LISTEN/NOTIFY)", async () => {
  const reason = await postgresUnavailableReason();
  const schema = `paydesk_test_${randomBytes(6).toString("hex")}`;
  let handles: DatabaseHandle[] = [];
  const buses: { close(): Promise<void> }[] = [];

  afterAll(async () => {
    for (const b of buses) await b.close();
    for (const h of handles) await h.close();
    if (!reason) await dropTestSchema(schema);
  });

  it.skipIf(reason !== null)(
    "a payment on instance A wakes a held poll on instance B before its wait ends",
    async () => {
      handles = [
        await openDatabase(TEST_PG_URL, { pgSchema: schema }),
        await openDatabase(TEST_PG_URL, { pgSchema: schema }),
      ];
      const instances = await Promise.all(
        handles.map(async (h) => {
          const events = await createEventBus(h, silent);
          buses.push(events);
          return testContext(h, testAppConfig(), { events, now: () => Date.now() });
        }),
      );
      const [a, b] = instances as [TestContext, TestContext];
      // The safety net would find the payment too, but only after its 60 s here: the wake-up must be the event.
      liveOrdersFor(b, 60_000);
      const orderId = await newOrder(a);
      const held = poll(b, { order_id: orderId, status: "pending", wait: "10" });
      await sleep(200);
      await pay(a, orderId);
      const { body, ms } = await held;
      expect(body.data!.status).toBe("paid");
      expect(ms).toBeLessThan(2_000);
    },
  );
});
