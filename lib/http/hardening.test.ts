import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { merchantHandler, readParams } from "@/lib/http/merchant-handler";
import { handleMetrics } from "@/lib/http/metrics-handler";
import { payerHandler } from "@/lib/http/payer-handler";
import { payApiRoute } from "@/lib/http/payer-routes";
import { BodyTooLarge, readBodyText } from "@/lib/http/read-body";
import { sandboxPayRoute } from "@/lib/http/sandbox-pay-route";
import { CSRF_HEADER } from "@/lib/cashier/payer-dtos";
import { createOrder } from "@/lib/orders/create-order";
import { queryOrder } from "@/lib/orders/merchant-queries";
import { md5 } from "@/lib/merchant-protocol/sign";
import { issueNonce, orderToken } from "@/lib/session/cashier-session";
import type { DatabaseHandle } from "@/lib/storage/database";
import { signedCreateParams } from "@/test/support/merchant-client";
import {
  openTestDatabase,
  postgresUnavailableReason,
  testAppConfig,
  testContext,
  type TestContext,
  type TestDialect,
} from "@/test/support/test-context";

const SECRET = "hardening-secret-at-least-32-characters";
const shop = (appkey: string, extra: Record<string, unknown> = {}) => ({
  appkey,
  appsecret: SECRET,
  name: appkey,
  notify_url: "http://127.0.0.1:9/notify",
  return_url: "https://shop.example/return",
  channels: ["sandbox"],
  ...extra,
});
const file = configFileSchema.parse({
  merchants: [
    shop("h1"),
    shop("h2"),
    shop("qq-bad", { channels: ["qq-bad"] }),
    shop("quota", { daily_order_limit: 5 }),
  ],
  channels: [
    { id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay", "qqpay"], key: "hardening-sandbox-key" },
    // An upstream that hands out an Alipay URL for a QQ-wallet order.
    {
      id: "qq-bad",
      provider: "sandbox",
      types: ["qqpay"],
      key: "k",
      payload_template: { qqpay: "https://qr.alipay.com/fkx{order_id}" },
    },
  ],
  limits: {
    failed_signs_per_ip_per_minute: 5,
    failed_signs_per_appkey_per_minute: 8,
    rejected_notifies_per_ip_per_minute: 4,
    payer_per_ip_per_minute: 10,
    rejected_notify_logs_per_minute: 2,
    log_sample_every: 50,
  },
});

type Envelope = { code: number; msg: string; data?: { order_id?: string } };

function form(url: string, params: Record<string, string>, headers: Record<string, string> = {}): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params),
  });
}

/** A log that keeps its lines, to count them and to look inside. */
function capturedLog() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString("utf8")), done()) });
  return { lines, log: pino({ level: "info" }, stream) };
}

describe("body reader", () => {
  it("refuses by Content-Length before reading a single byte", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({ pull: (c) => void (pulled++, c.enqueue(new Uint8Array(1024))) });
    const request = new Request("http://x/", {
      method: "POST",
      body,
      headers: { "content-length": "50000000" },
      duplex: "half",
    } as RequestInit);
    await expect(readBodyText(request, 65_536)).rejects.toBeInstanceOf(BodyTooLarge);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("counts bytes, not characters, and stops reading a streamed body at the limit", async () => {
    // 60,000 three-byte characters: 180 KB, which passed the old "64 KiB" character count.
    await expect(readParams(form("http://x/", { custom: "汉".repeat(60_000) }), 65_536)).rejects.toBeInstanceOf(
      BodyTooLarge,
    );
    let chunks = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull: (c) => void (chunks++, c.enqueue(new Uint8Array(16 * 1024))),
    });
    const request = new Request("http://x/", { method: "POST", body: endless, duplex: "half" } as RequestInit);
    await expect(readBodyText(request, 65_536)).rejects.toBeInstanceOf(BodyTooLarge);
    expect(chunks).toBeLessThan(8);
    expect(await readBodyText(form("http://x/", { a: "汉" }), 65_536)).toBe("a=%E6%B1%89");
  });
});

const pgReason = await postgresUnavailableReason();

describe.each<TestDialect>(pgReason ? ["sqlite"] : ["sqlite", "postgres"])("hardening on %s", (dialect) => {
  let db: DatabaseHandle;
  const fresh = (extra: Partial<TestContext> = {}): TestContext =>
    testContext(db, testAppConfig(configFileSchema.parse(file)), extra);
  const call = async (
    ctx: TestContext,
    run: Parameters<typeof merchantHandler>[0],
    params: Record<string, string>,
    ip = "203.0.113.7",
  ) => {
    const res = await merchantHandler(run, () => Promise.resolve(ctx))(
      form("http://paydesk.test/api", params, { "x-forwarded-for": ip }),
    );
    return { status: res.status, body: (await res.json()) as Envelope };
  };
  const created = async (ctx: TestContext, out: string, appkey = "h1", type = "alipay") => {
    const r = await call(
      ctx,
      createOrder,
      signedCreateParams({ price: "1.00", type, out_order_id: out }, { appkey, appsecret: SECRET }),
    );
    return r.body;
  };

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
  });
  afterAll(() => db.close());

  it("an oversized merchant body is HTTP 413, not read", async () => {
    const r = await call(fresh(), createOrder, { appkey: "h1", custom: "x".repeat(70_000) });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe(105);
  });

  it("wrong signatures: 429 code 199 请求过于频繁 after the IP's budget, then the IP is refused even when signing right", async () => {
    const ctx = fresh();
    const bad = {
      ...signedCreateParams(
        { price: "1.00", type: "alipay", out_order_id: "rl-1" },
        { appkey: "h1", appsecret: SECRET },
      ),
      sign: "0".repeat(32),
    };
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await call(ctx, createOrder, bad, "198.51.100.1")).body.code);
    expect(codes.slice(0, 5)).toEqual([104, 104, 104, 104, 104]);
    const limited = await call(ctx, createOrder, bad, "198.51.100.1");
    expect(limited).toEqual({ status: 429, body: expect.objectContaining({ code: 199, msg: "请求过于频繁" }) });
    const good = signedCreateParams(
      { price: "1.00", type: "alipay", out_order_id: "rl-2" },
      { appkey: "h1", appsecret: SECRET },
    );
    expect((await call(ctx, createOrder, good, "198.51.100.1")).status).toBe(429);
    // Another IP is unaffected.
    expect((await call(ctx, createOrder, good, "198.51.100.2")).body.code).toBe(100);
  });

  it("wrong signatures spread over many IPs hit the appkey's budget; right signatures still pass", async () => {
    const ctx = fresh();
    const bad = {
      ...signedCreateParams(
        { price: "1.00", type: "alipay", out_order_id: "ak-1" },
        { appkey: "h2", appsecret: SECRET },
      ),
      sign: "f".repeat(32),
    };
    const answers: number[] = [];
    for (let i = 0; i < 12; i++) answers.push((await call(ctx, createOrder, bad, `192.0.2.${i + 1}`)).status);
    expect(answers.filter((s) => s === 429).length).toBe(4);
    const good = signedCreateParams(
      { price: "1.00", type: "alipay", out_order_id: "ak-2" },
      { appkey: "h2", appsecret: SECRET },
    );
    expect((await call(ctx, createOrder, good, "192.0.2.200")).body.code).toBe(100);
  });

  it("the payer's nosign poll is limited per IP", async () => {
    const ctx = fresh();
    const order = await created(ctx, "poll-1");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await call(ctx, queryOrder, { order_id: order.data?.order_id ?? "", sign: "nosign" }, "100.64.0.9")).status,
      );
    expect(statuses.filter((s) => s === 200).length).toBe(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it("control characters and NUL in out_order_id / custom are code 105 (the code an over-long value gets), on both databases", async () => {
    const ctx = fresh();
    for (const [out, custom] of [
      ["nul\u0000id", ""],
      ["ok-ctl", "line\nbreak"],
      ["ok-nul", "a\u0000b"],
      ["del\u007f", ""],
    ] as const) {
      const r = await call(
        ctx,
        createOrder,
        signedCreateParams(
          { price: "1.00", type: "alipay", out_order_id: out, custom },
          { appkey: "h1", appsecret: SECRET },
        ),
      );
      expect(r.body.code, JSON.stringify(out + custom)).toBe(105);
    }
  });

  it("a qqpay order whose upstream hands out a non-QQ-wallet URL is refused (208), never shown behind the QQ button", async () => {
    const r = await created(fresh(), "qq-1", "qq-bad", "qqpay");
    expect(r.code).toBe(208);
    expect(r.msg).toMatch(/not a qqpay code/);
  });

  it("the daily order limit holds under 20 concurrent creates (exactly 5 made)", async () => {
    const ctx = fresh();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => created(ctx, `q-${i}`, "quota")));
    expect(results.filter((r) => r.code === 100).length).toBe(5);
    expect(results.filter((r) => r.code === 110).length).toBe(15);
    // An idempotent retry of a made order is not a new order and still answers.
    const made = results.findIndex((r) => r.code === 100);
    expect((await created(ctx, `q-${made}`, "quota")).code).toBe(100);
  });

  it("an unexpected error logs the path, never the query's sign or custom", async () => {
    const { lines, log } = capturedLog();
    const ctx = fresh({ log });
    const handler = merchantHandler(
      () => Promise.reject(new Error("boom")),
      () => Promise.resolve(ctx),
    );
    const res = await handler(
      new Request("http://paydesk.test/api/cloudpay/query?appkey=h1&custom=alice%40example.com&sign=abcdef0123456789"),
    );
    expect((await res.json()) as Envelope).toMatchObject({ code: 199 });
    const text = lines.join("");
    expect(text).toContain("/api/cloudpay/query");
    expect(text).not.toContain("abcdef0123456789");
    expect(text).not.toContain("alice");
  });

  it("sandbox notifies are POST only; forged ones are rate-limited with the provider's retry answer and their logs sampled", async () => {
    const { lines, log } = capturedLog();
    const ctx = fresh({ log });
    const order = await created(ctx, "sbx-1");
    const id = order.data?.order_id ?? "";
    const fields = { order_id: id, amount: "100", trade_no: "T-GET" };
    // The sandbox provider's notify signature (DESIGN §1.2), as a provider would compute it.
    const sign = md5(fields.order_id + fields.amount + fields.trade_no + "hardening-sandbox-key");
    const get = await handleNotify(
      new Request(`http://paydesk.test/api/notify/sandbox?${new URLSearchParams({ ...fields, sign })}`),
      "sandbox",
      () => Promise.resolve(ctx),
    );
    expect(await get.text()).toBe("fail");
    expect((await ctx.repos.orders.findOrderById(id))?.status).toBe("pending");

    const forged = () =>
      handleNotify(
        form(
          "http://paydesk.test/api/notify/sandbox",
          { ...fields, sign: "0".repeat(32) },
          { "x-forwarded-for": "203.0.113.99" },
        ),
        "sandbox",
        () => Promise.resolve(ctx),
      );
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await forged()).status);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.slice(4).every((s) => s === 429)).toBe(true);
    expect(await (await forged()).text()).toBe("fail");
    // 5 rejections reached the provider (1 GET + 4 POST) and 2 per minute are logged in full: not one line per forgery.
    expect(lines.filter((l) => l.includes("provider notification rejected")).length).toBe(2);
  });

  it("a page token works only for its own order; malformed JSON is a 400, not a 500", async () => {
    const ctx = fresh();
    const a = (await created(ctx, "tok-a")).data?.order_id ?? "";
    const b = (await created(ctx, "tok-b")).data?.order_id ?? "";
    const issued = new Response();
    const tokenA = await issueNonce(
      new Request("http://paydesk.test/"),
      issued,
      { secret: ctx.config.sessionSecret, framed: false, https: false },
      a,
    );
    const cookie = (issued.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const pay = (orderId: string, token: string) =>
      payerHandler(sandboxPayRoute, () => Promise.resolve(ctx))(
        new Request("http://paydesk.test/api/sandbox/pay", {
          method: "POST",
          headers: { "content-type": "application/json", cookie, [CSRF_HEADER]: token },
          body: JSON.stringify({ order_id: orderId }),
        }),
      );
    expect((await pay(b, tokenA)).status).toBe(403);
    expect((await ctx.repos.orders.findOrderById(b))?.status).toBe("pending");
    expect(tokenA).not.toBe(orderToken("n", a));
    const malformed = await payerHandler(sandboxPayRoute, () => Promise.resolve(ctx))(
      new Request("http://paydesk.test/api/sandbox/pay", {
        method: "POST",
        headers: { "content-type": "application/json", cookie, [CSRF_HEADER]: tokenA },
        body: "{not json",
      }),
    );
    expect(malformed.status).toBe(400);
    expect((await pay(a, tokenA)).status).toBe(200);
    expect((await ctx.repos.orders.findOrderById(a))?.status).toBe("paid");
  });

  it("/pay/api?id= redirects to the public base URL, not the internal request origin", async () => {
    const base = fresh();
    const ctx = { ...base, config: { ...base.config, baseUrl: "https://pay.example.com" } };
    const alias = payerHandler(payApiRoute, () => Promise.resolve(ctx));
    const res = await alias(new Request("http://localhost:3000/pay/api?id=AbC123"));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://pay.example.com/pay/AbC123");
    expect((await alias(new Request("http://localhost:3000/pay/api?id=../x"))).status).toBe(404);
  });

  it("every payer route is limited per IP (429 with Retry-After)", async () => {
    const ctx = fresh();
    const alias = payerHandler(payApiRoute, () => Promise.resolve(ctx));
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (await alias(new Request("http://x/pay/api?id=AbC123", { headers: { "x-forwarded-for": "100.64.1.1" } })))
          .status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 302)).toBe(true);
    const limited = await alias(
      new Request("http://x/pay/api?id=AbC123", { headers: { "x-forwarded-for": "100.64.1.1" } }),
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
  });

  it("GET /api/metrics: off without a token, 401 with a wrong one, Prometheus text with the right one", async () => {
    const ctx = fresh();
    await created(ctx, "m-1");
    expect((await handleMetrics(new Request("http://x/api/metrics"), () => Promise.resolve(ctx))).status).toBe(404);
    const on = { ...ctx, config: { ...ctx.config, metricsToken: "metrics-token-for-tests" } };
    expect(
      (
        await handleMetrics(new Request("http://x/api/metrics", { headers: { authorization: "Bearer nope" } }), () =>
          Promise.resolve(on),
        )
      ).status,
    ).toBe(401);
    const res = await handleMetrics(
      new Request("http://x/api/metrics", { headers: { authorization: "Bearer metrics-token-for-tests" } }),
      () => Promise.resolve(on),
    );
    const text = await res.text();
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    expect(text).toMatch(/paydesk_orders_created_total\{code="100"\} [1-9]/);
    for (const name of [
      "paydesk_payments_total",
      "paydesk_notification_attempts_total",
      "paydesk_notification_queue_depth",
      "paydesk_held_polls_open",
      "paydesk_provider_request_duration_seconds",
      "paydesk_provider_errors_total",
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(text).toContain('paydesk_circuit_breaker_open{channel="sandbox"} 0');
  });
});
