import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedCreateParams } from "@/test/support/merchant-client";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { type Envelope, useMerchantApi } from "@/test/support/merchant-api-fixture";
import { openTestDatabase, testAppConfig, testContext, type TestContext } from "@/test/support/test-context";
import { describeOnDatabases } from "@/test/support/databases";
import { createOrder } from "./cloudpay-create";
import { queryOrder } from "./cloudpay-queries";
import { configFileSchema } from "@/lib/config/schema";
import type { DatabaseHandle } from "@/lib/storage/database";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { UpstreamError } from "@/lib/providers/types";
import { applyPayment } from "@/lib/orders/apply-payment";

describeOnDatabases("createOrder through the merchant API", (dialect) => {
  const f = useMerchantApi(dialect);
  const { call, create, signedFor } = f;

  describe("create status codes", () => {
    const ok = () => signedCreateParams({ price: "1.00", type: "alipay", out_order_id: `o-${Math.random()}` });
    it.each([
      ["101 without appkey", () => ({ ...ok(), appkey: "" }), 101],
      ["102 for an unknown appkey", () => ({ ...ok(), appkey: "nobody" }), 102],
      ["103 without sign", () => ({ ...ok(), sign: "" }), 103],
      ["104 for a bad sign", () => ({ ...ok(), sign: "0".repeat(32) }), 104],
      ["104 when a signed field was changed", () => ({ ...ok(), price: "1.0" }), 104],
      [
        "105 without price",
        () => {
          const p = ok();
          delete p.price;
          return p;
        },
        105,
      ],
      [
        "105 without out_order_id",
        () => {
          const p = ok();
          delete p.out_order_id;
          return p;
        },
        105,
      ],
      ["106 with a forbidden parameter", () => ({ ...ok(), notify_url: "https://evil.example/" }), 106],
      [
        "107 when the merchant's API is closed",
        () => signedFor("k-closed", { price: "1.00", type: "alipay", out_order_id: "c1" }),
        107,
      ],
      [
        "108 without a return URL",
        () => signedFor("k-noreturn", { price: "1.00", type: "alipay", out_order_id: "c1" }),
        108,
      ],
      [
        "109 without a notify URL",
        () => signedFor("k-nonotify", { price: "1.00", type: "alipay", out_order_id: "c1" }),
        109,
      ],
      ["201 for price 0", () => signedCreateParams({ price: "0", type: "alipay", out_order_id: "p0" }), 201],
      ["201 for a negative price", () => signedCreateParams({ price: "-1", type: "alipay", out_order_id: "p1" }), 201],
      [
        "201 for three decimals",
        () => signedCreateParams({ price: "10.001", type: "alipay", out_order_id: "p2" }),
        201,
      ],
      ["201 for an exponent", () => signedCreateParams({ price: "1e3", type: "alipay", out_order_id: "p3" }), 201],
      [
        "202 for an unknown type",
        () => signedCreateParams({ price: "1.00", type: "bitcoin", out_order_id: "t1" }),
        202,
      ],
      [
        "203 for a type the merchant disabled",
        () => signedFor("k-noqq", { price: "1.00", type: "qqpay", out_order_id: "t2" }),
        203,
      ],
      [
        "203 for a type no channel of the merchant serves",
        () => signedFor("k-rules", { price: "0.50", type: "alipay", out_order_id: "t3" }),
        203,
      ],
      [
        "204 when the channel's rules exclude the price",
        () => signedFor("k-rules", { price: "5.00", type: "wxpay", out_order_id: "t4" }),
        204,
      ],
      [
        "208 when the provider fails, with its message",
        () => signedFor("k-broken", { price: "1.00", type: "alipay", out_order_id: "u1" }),
        208,
      ],
    ])("%s", async (_name, params, code) => {
      const res = await create(params());
      expect(res.code).toBe(code);
      expect(res.msg).toBeTruthy();
      expect(res.data).toBeUndefined();
    });

    it("105 for a malformed JSON body, never a stack trace", async () => {
      const handler = merchantHandler(createOrder, () => Promise.resolve(f.ctx));
      const res = await handler(
        new Request("http://x/api", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{oops",
        }),
      );
      const body = (await res.json()) as Envelope;
      expect(body.code).toBe(105);
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/);
    });

    it("110 once the merchant's daily quota is used up", async () => {
      expect((await create(signedFor("k-quota", { price: "1.00", type: "alipay", out_order_id: "q1" }))).code).toBe(
        100,
      );
      expect((await create(signedFor("k-quota", { price: "1.00", type: "alipay", out_order_id: "q2" }))).code).toBe(
        100,
      );
      expect((await create(signedFor("k-quota", { price: "1.00", type: "alipay", out_order_id: "q3" }))).code).toBe(
        110,
      );
      // A retry of an order that exists is not a new order and still answers.
      expect((await create(signedFor("k-quota", { price: "1.00", type: "alipay", out_order_id: "q1" }))).code).toBe(
        100,
      );
    });

    it("208 on an upstream timeout, within the channel's timeout, leaving no order behind", async () => {
      f.brokenMode = "hang";
      const started = Date.now();
      const res = await create(signedFor("k-broken", { price: "1.00", type: "alipay", out_order_id: "hang-1" }));
      f.brokenMode = "error";
      expect(res.code).toBe(208);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await f.ctx.repos.orders.findOrderByMerchantRef("k-broken", "hang-1")).toBeUndefined();
    });

    it("208 leaves nothing pending, so the shop can retry the same out_order_id", async () => {
      const params = signedFor("k-broken", { price: "1.00", type: "alipay", out_order_id: "u2" });
      expect((await create(params)).code).toBe(208);
      expect(await f.ctx.repos.orders.findOrderByMerchantRef("k-broken", "u2")).toBeUndefined();
    });
  });

  describe("create success and idempotency", () => {
    it("answers pay_url, qrcode_url and the params as sent (form and JSON)", async () => {
      const params = signedCreateParams({ price: "0.82", type: "alipay", out_order_id: "ok-1", custom: "test_user" });
      const res = await create(params);
      expect(res.code).toBe(100);
      expect(res.msg).toBe("请求成功");
      const data = res.data!;
      expect(data.pay_url).toBe(`http://paydesk.test/pay/${data.order_id}`);
      expect(data.qrcode_url).toBe(`http://paydesk.test/pay/${data.order_id}/qrcode`);
      expect(data.params).toEqual(params);
      expect(data.order_id).toMatch(/^[A-Za-z0-9]{24}$/);
      const json = await create(signedCreateParams({ price: "10", type: "qqpay", out_order_id: "ok-json" }), true);
      expect(json.code).toBe(100);
      expect(json.data!.price).toBe("10.00");
    });

    it("signs custom as the empty string when it is absent", async () => {
      const params = signedCreateParams({ price: "1.00", type: "alipay", out_order_id: "no-custom" });
      expect(params.custom).toBeUndefined();
      expect((await create(params)).code).toBe(100);
    });

    it("the same parameters return the same order; different ones answer 199", async () => {
      const params = signedCreateParams({ price: "2.00", type: "alipay", out_order_id: "idem-1", custom: "u" });
      const first = await create(params);
      const again = await create(params);
      expect(again.code).toBe(100);
      expect(again.data!.order_id).toBe(first.data!.order_id);
      expect(again.data!.pay_url).toBe(first.data!.pay_url);
      const changed = await create(
        signedCreateParams({ price: "3.00", type: "alipay", out_order_id: "idem-1", custom: "u" }),
      );
      expect(changed.code).toBe(199);
      expect(changed.msg).toContain("商户订单号已存在");
    });

    it("concurrent identical creates (a double click) make one order", async () => {
      const params = signedCreateParams({ price: "2.50", type: "alipay", out_order_id: "race-1" });
      const results = await Promise.all(Array.from({ length: 5 }, () => create(params)));
      expect(results.every((r) => r.code === 100)).toBe(true);
      expect(new Set(results.map((r) => r.data!.order_id)).size).toBe(1);
    });

    it("returns the same order even after it expired", async () => {
      const params = signedCreateParams({ price: "2.00", type: "alipay", out_order_id: "idem-exp" });
      const first = await create(params);
      f.ctx.clock.advance(301_000);
      const again = await create(params);
      expect(again.data!.order_id).toBe(first.data!.order_id);
      expect(again.data!.status).toBe("pending"); // the stored row; the view below applies the clock
      const view = await call(queryOrder, { order_id: first.data!.order_id!, sign: "nosign" }, { method: "GET" });
      expect(view.data!.status).toBe("expired");
    });
  });
});

const file = (rotation: "smart" | "uniform") =>
  configFileSchema.parse({
    merchants: [
      {
        appkey: "k1",
        appsecret: "s1secret",
        name: "S",
        notify_url: "https://s.example/n",
        return_url: "https://s.example/r",
        rotation,
        channels: ["a", "b", "c"],
      },
    ],
    channels: ["a", "b", "c"].map((id) => ({ id, provider: "sandbox", types: ["alipay"] })),
  });

describe("channel selection through create, with facts from storage", () => {
  let db: DatabaseHandle;
  beforeAll(async () => {
    db = await openTestDatabase("sqlite");
  });
  afterAll(() => db.close());

  let seq = 0;
  async function createAndMaybePay(ctx: TestContext, pay: boolean, price = "1.00") {
    const data = await createOrder(ctx, signedCreateParams({ price, type: "alipay", out_order_id: `sel-${++seq}` }));
    const order = (await ctx.repos.orders.findOrderById(data.order_id))!;
    if (pay)
      await applyPayment(ctx, {
        channelId: order.channel_id,
        tradeNo: `T${seq}`,
        amountFen: order.pay_amount_fen,
        match: { by: "order_id", orderId: order.id },
        raw: {},
      });
    ctx.clock.advance(1000);
    return order.channel_id;
  }

  it("smart: the next order never goes to the channel that was paid last", async () => {
    const ctx = testContext(db, testAppConfig(file("smart")));
    let lastPaid = await createAndMaybePay(ctx, true);
    for (let i = 0; i < 30; i++) {
      const channel = await createAndMaybePay(ctx, true);
      expect(channel).not.toBe(lastPaid);
      lastPaid = channel;
    }
  });

  it("uniform: the next order never goes to today's top collector", async () => {
    const fresh = await openTestDatabase("sqlite");
    const ctx = testContext(fresh, testAppConfig(file("uniform")));
    const totals = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const top = [...totals.entries()].sort((x, y) => y[1] - x[1])[0];
      const unique = top && [...totals.values()].filter((v) => v === top[1]).length === 1;
      const price = `${1 + (i % 7)}.00`;
      const channel = await createAndMaybePay(ctx, true, price);
      if (top && unique) expect(channel).not.toBe(top[0]);
      totals.set(channel, (totals.get(channel) ?? 0) + Number(price));
    }
    await fresh.close();
  });

  it("a channel whose provider keeps failing is skipped for a while, so the others take over", async () => {
    const fresh = await openTestDatabase("sqlite");
    const base = testContext(fresh, testAppConfig(file("smart")));
    const ctx: TestContext = {
      ...base,
      // Always the first candidate: "a" while it is available, so the test does not depend on luck.
      random: () => 0,
      provider: (channel) => {
        const real = base.provider(channel);
        if (channel.id !== "a") return real;
        return { ...real, createPayment: () => Promise.reject(new UpstreamError("上游维护中")) };
      },
    };
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) {
      try {
        answers.push(await createAndMaybePay(ctx, false));
      } catch {
        answers.push("208");
      }
    }
    // No failure reaches the merchant: each of the first three orders falls through to the next channel (issue 23),
    // and once the breaker opens "a" is not even asked.
    expect(answers.filter((a) => a === "208")).toEqual([]);
    expect(answers.every((a) => a === "b" || a === "c")).toBe(true);
    expect(channelBreaker().isOpen("a", ctx.now())).toBe(true);
    ctx.clock.advance(61_000);
    expect(channelBreaker().isOpen("a", ctx.now())).toBe(false);
    channelBreaker().recordSuccess("a");
    await fresh.close();
  });
});
