import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { configFileSchema } from "@/lib/config";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { createSign } from "@/lib/merchant-protocol/sign";
import { UpstreamError, type PaymentProvider } from "@/lib/providers/types";
import type { DatabaseHandle } from "@/lib/storage/database";
import { findOrderByMerchantRef } from "@/lib/storage/orders-repo";
import { signedCreateParams, signedLookupParams, signedRecordsParams } from "@/test/support/merchant-client";
import {
  openTestDatabase,
  postgresUnavailableReason,
  testAppConfig,
  testContext,
  TEST_MERCHANT,
  type TestContext,
  type TestDialect,
} from "@/test/support/test-context";
import { createOrder } from "./create-order";
import { applyPayment } from "./apply-payment";
import { closeOrder, listRecords, queryOrder } from "./merchant-queries";

const merchant = (appkey: string, extra: Record<string, unknown> = {}) => ({
  appkey,
  appsecret: "s1secret",
  name: `Shop ${appkey}`,
  notify_url: "https://shop.example/notify",
  return_url: "https://shop.example/return",
  channels: ["sandbox"],
  ...extra,
});

const file = configFileSchema.parse({
  merchants: [
    merchant("k1", { channels: ["sandbox", "small-wx"], disabled_types: [] }),
    merchant("k-noreturn", { return_url: undefined }),
    merchant("k-nonotify", { notify_url: undefined }),
    merchant("k-closed", { api_enabled: false }),
    merchant("k-noqq", { disabled_types: ["qqpay"] }),
    merchant("k-rules", { channels: ["small-wx"] }),
    merchant("k-quota", { daily_order_limit: 2 }),
    merchant("k-broken", { channels: ["broken"] }),
  ],
  channels: [
    { id: "sandbox", provider: "sandbox", types: ["alipay", "qqpay"] },
    { id: "small-wx", provider: "sandbox", types: ["wxpay"], rules: { max_price: "1.00" } },
    { id: "broken", provider: "sandbox", types: ["alipay"], timeout_ms: 300 },
  ],
});

type Envelope = { code: number; msg: string; data?: Record<string, unknown> & { order_id?: string; pay_url?: string } };

const pgReason = await postgresUnavailableReason();
if (pgReason) console.warn(`[merchant API] PostgreSQL run skipped: ${pgReason}`);

describe.each<TestDialect>(pgReason ? ["sqlite"] : ["sqlite", "postgres"])("merchant API on %s", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let brokenMode: "error" | "hang" = "error";

  const call = async (
    run: Parameters<typeof merchantHandler>[0],
    params: Record<string, string>,
    init: { json?: boolean; method?: string } = {},
  ) => {
    const handler = merchantHandler(run, () => Promise.resolve(ctx));
    const method = init.method ?? "POST";
    const request =
      method === "GET"
        ? new Request(`http://paydesk.test/api?${new URLSearchParams(params)}`)
        : new Request("http://paydesk.test/api", {
            method,
            headers: { "content-type": init.json ? "application/json" : "application/x-www-form-urlencoded" },
            body: init.json ? JSON.stringify(params) : new URLSearchParams(params),
          });
    const res = await handler(request);
    expect(res.status).toBe(200);
    return (await res.json()) as Envelope;
  };
  const create = (params: Record<string, string>, json = false) => call(createOrder, params, { json });
  const signedFor = (appkey: string, p: { price: string; type: string; out_order_id: string; custom?: string }) =>
    signedCreateParams(p, { appkey, appsecret: "s1secret" });

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
  });
  afterAll(() => db.close());
  beforeEach(() => {
    // The breaker is per process; the deliberate upstream failures below must not open it for the next test.
    channelBreaker().recordSuccess("broken");
    const base = testContext(db, testAppConfig(file));
    ctx = {
      ...base,
      provider: (channel) => {
        if (channel.id !== "broken") return base.provider(channel);
        const failing: PaymentProvider = {
          retryAck: { status: 200, body: "fail" },
          createPayment: () =>
            brokenMode === "error"
              ? Promise.reject(new UpstreamError("金额变动无法支付"))
              : new Promise(() => undefined),
          parseNotify: () => Promise.resolve({ kind: "rejected", reason: "n/a", ack: { status: 200, body: "fail" } }),
        };
        return failing;
      },
    };
  });

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
      const handler = merchantHandler(createOrder, () => Promise.resolve(ctx));
      const res = await handler(
        new Request("http://x/api", { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" }),
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
      brokenMode = "hang";
      const started = Date.now();
      const res = await create(signedFor("k-broken", { price: "1.00", type: "alipay", out_order_id: "hang-1" }));
      brokenMode = "error";
      expect(res.code).toBe(208);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await findOrderByMerchantRef(ctx.db, "k-broken", "hang-1")).toBeUndefined();
    });

    it("208 leaves nothing pending, so the shop can retry the same out_order_id", async () => {
      const params = signedFor("k-broken", { price: "1.00", type: "alipay", out_order_id: "u2" });
      expect((await create(params)).code).toBe(208);
      expect(await findOrderByMerchantRef(ctx.db, "k-broken", "u2")).toBeUndefined();
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
      ctx.clock.advance(301_000);
      const again = await create(params);
      expect(again.data!.order_id).toBe(first.data!.order_id);
      expect(again.data!.status).toBe("pending"); // the stored row; the view below applies the clock
      const view = await call(queryOrder, { order_id: first.data!.order_id!, sign: "nosign" }, { method: "GET" });
      expect(view.data!.status).toBe("expired");
    });
  });

  describe("query", () => {
    it("nosign shows only the public view", async () => {
      const created = await create(
        signedCreateParams({ price: "5.00", type: "alipay", out_order_id: "q-pub", custom: "secret-user@example.com" }),
      );
      const res = await call(queryOrder, { order_id: created.data!.order_id!, sign: "nosign" }, { method: "GET" });
      expect(res.code).toBe(100);
      expect(Object.keys(res.data!).sort()).toEqual([
        "expires_in",
        "order_id",
        "pay_amount",
        "price",
        "status",
        "type",
      ]);
      expect(res.data).toMatchObject({
        status: "pending",
        price: "5.00",
        pay_amount: "5.00",
        type: "alipay",
        expires_in: 300,
      });
      const text = JSON.stringify(res);
      expect(text).not.toContain("q-pub");
      expect(text).not.toContain("secret-user");
      expect(text).not.toContain("s1secret");
    });

    it("nosign for an unknown or malformed id answers 199", async () => {
      expect((await call(queryOrder, { order_id: "nope", sign: "nosign" }, { method: "GET" })).code).toBe(199);
      expect((await call(queryOrder, { order_id: "../../etc", sign: "nosign" }, { method: "GET" })).code).toBe(199);
    });

    it("signed query shows the merchant's full view; a bad sign answers 104", async () => {
      expect(
        (await create(signedCreateParams({ price: "5.00", type: "qqpay", out_order_id: "q-full", custom: "u7" }))).code,
      ).toBe(100);
      const res = await call(queryOrder, signedLookupParams("q-full"));
      expect(res.code).toBe(100);
      expect(res.data).toMatchObject({
        out_order_id: "q-full",
        custom: "u7",
        status: "pending",
        realprice: null,
        paytime: null,
        late: false,
        notify_status: null,
        notify_attempts: 0,
      });
      expect((await call(queryOrder, { ...signedLookupParams("q-full"), sign: "f".repeat(32) })).code).toBe(104);
      expect((await call(queryOrder, signedLookupParams("never-made"))).code).toBe(199);
    });

    it("a paid order shows payment, late flag and notify state", async () => {
      const created = await create(
        signedCreateParams({ price: "6.00", type: "alipay", out_order_id: "q-paid", custom: "u8" }),
      );
      await applyPayment(ctx, {
        channelId: "sandbox",
        tradeNo: "T-q-paid",
        amountFen: 600,
        match: { by: "order_id", orderId: created.data!.order_id! },
        raw: {},
      });
      const res = await call(queryOrder, signedLookupParams("q-paid"));
      expect(res.data).toMatchObject({
        status: "paid",
        realprice: "6.00",
        late: false,
        notify_status: "pending",
        notify_attempts: 0,
      });
      expect(res.data!.paytime).toBe(Math.floor(ctx.now() / 1000));
    });
  });

  describe("close", () => {
    it("closes a pending order; the page then shows closed and a payment is not credited", async () => {
      const created = await create(signedCreateParams({ price: "7.00", type: "alipay", out_order_id: "c-1" }));
      const res = await call(closeOrder, signedLookupParams("c-1"));
      expect(res.code).toBe(100);
      expect(res.data!.status).toBe("closed");
      expect((await call(closeOrder, signedLookupParams("c-1"))).code).toBe(100);
      const pay = await applyPayment(ctx, {
        channelId: "sandbox",
        tradeNo: "T-c-1",
        amountFen: 700,
        match: { by: "order_id", orderId: created.data!.order_id! },
        raw: {},
      });
      expect(pay).toMatchObject({ outcome: "unmatched", reason: "order_closed" });
    });

    it("refuses to close a paid order and checks the signature", async () => {
      const created = await create(signedCreateParams({ price: "7.00", type: "alipay", out_order_id: "c-2" }));
      await applyPayment(ctx, {
        channelId: "sandbox",
        tradeNo: "T-c-2",
        amountFen: 700,
        match: { by: "order_id", orderId: created.data!.order_id! },
        raw: {},
      });
      expect((await call(closeOrder, signedLookupParams("c-2"))).code).toBe(199);
      expect((await call(closeOrder, { ...signedLookupParams("c-2"), sign: "0".repeat(32) })).code).toBe(104);
    });
  });

  describe("records", () => {
    it("lists one customer's paid orders, newest first", async () => {
      const ids: string[] = [];
      for (const [i, out] of ["r-1", "r-2", "r-3"].entries()) {
        const created = await create(
          signedCreateParams({ price: "1.00", type: "alipay", out_order_id: out, custom: "rec-user" }),
        );
        ids.push(created.data!.order_id!);
        if (i < 2) {
          ctx.clock.advance(1000);
          await applyPayment(ctx, {
            channelId: "sandbox",
            tradeNo: `T-${out}`,
            amountFen: 100,
            match: { by: "order_id", orderId: created.data!.order_id! },
            raw: {},
          });
        }
      }
      await create(
        signedCreateParams({ price: "1.00", type: "alipay", out_order_id: "r-other", custom: "someone-else" }),
      );
      const res = await call(listRecords, signedRecordsParams("rec-user"), { method: "GET" });
      expect(res.code).toBe(100);
      const list = res.data as unknown as { out_order_id: string; status: string }[];
      expect(list.map((o) => o.out_order_id)).toEqual(["r-2", "r-1"]);
      expect(
        (
          await call(listRecords, {
            ...signedRecordsParams("rec-user"),
            sign: createSign(
              { appkey: "k1", price: "", type: "", out_order_id: "", custom: "" },
              TEST_MERCHANT.appsecret,
            ),
          })
        ).code,
      ).toBe(104);
      expect((await call(listRecords, { appkey: "k1", sign: "x" })).code).toBe(105);
    });
  });
});
