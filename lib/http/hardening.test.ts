import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { configFileSchema } from "@/lib/config/schema";
import { EDGE_MARK, PEER_HEADER, rememberPeer } from "@/lib/http/client-ip";
import { epayApiHandler, epayMapiHandler, epaySubmitHandler } from "@/lib/http/epay-handler";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { handleVmqApi } from "@/lib/http/vmq-handler";
import { merchantHandler, readParams } from "@/lib/http/merchant-handler";
import { handleMetrics } from "@/lib/http/metrics-handler";
import { payerHandler } from "@/lib/http/payer-handler";
import { payApiRoute } from "@/lib/http/payer-routes";
import { BODY_READ_TIMEOUT_MS, BodyTimeout, BodyTooLarge, readBodyText, setBodyDeadline } from "@/lib/http/read-body";
import { sandboxPayRoute } from "@/lib/http/sandbox-pay-route";
import { CSRF_HEADER } from "@/lib/cashier/payer-dtos";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { queryOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";
import { md5 } from "@/lib/crypto/digest";
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
const EPAY_KEY = "hardening-epay-key-0123456789abcdef";
const VMQ_KEY = "hardening-vmq-key-0123";
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
    // epay and V免签 on one shop: their signed endpoints have the same wrong-signature limits as the 云端 API.
    shop("ea", { epay: { pid: "2001", key: EPAY_KEY } }),
    shop("em", { epay: { pid: "2002", key: EPAY_KEY } }),
    shop("vq", { vmq: { key: VMQ_KEY } }),
    // Their own appkey budgets (on PostgreSQL the counters outlive a test's context).
    shop("rot"),
    shop("hop"),
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

  it(`waits at most ${BODY_READ_TIMEOUT_MS} ms for a body by default (BodyTimeout, answered 408), then stops reading`, async () => {
    vi.useFakeTimers();
    try {
      let cancelled = false;
      // One byte, then nothing: a client holding the request open.
      const stalled = new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new Uint8Array(1)),
        cancel: () => void (cancelled = true),
      });
      const request = new Request("http://x/", { method: "POST", body: stalled, duplex: "half" } as RequestInit);
      const outcome = readBodyText(request, 65_536).then(
        () => "read",
        (err: unknown) => err,
      );
      await vi.advanceTimersByTimeAsync(BODY_READ_TIMEOUT_MS - 100);
      expect(await Promise.race([outcome, Promise.resolve("pending")])).toBe("pending");
      await vi.advanceTimersByTimeAsync(200);
      expect(await outcome).toBeInstanceOf(BodyTimeout);
      expect(cancelled).toBe(true);
      expect(BODY_READ_TIMEOUT_MS).toBe(20_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a body that times out is answered 408 on every protocol (云端, notify, epay, V免签), not logged as an error", async () => {
    const stalled = () =>
      new Request("http://paydesk.test/api/cloudpay/create", {
        method: "POST",
        body: new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array([0x61])) }),
        duplex: "half",
      } as RequestInit);
    const { lines, log } = capturedLog();
    const db = await openTestDatabase("sqlite");
    try {
      const ctx = testContext(db, testAppConfig(configFileSchema.parse(file)), { log });
      const create = stalled();
      setBodyDeadline(create, Date.now() + 50);
      const res = await merchantHandler(createOrder, () => Promise.resolve(ctx))(create);
      expect(res.status).toBe(408);
      expect(((await res.json()) as Envelope).code).toBe(105);
      const notify = stalled();
      setBodyDeadline(notify, Date.now() + 50);
      const ack = await handleNotify(notify, "sandbox", () => Promise.resolve(ctx));
      expect(ack.status).toBe(408);
      const submit = stalled();
      setBodyDeadline(submit, Date.now() + 50);
      expect((await epaySubmitHandler(() => Promise.resolve(ctx))(submit)).status).toBe(408);
      const vmq = stalled();
      setBodyDeadline(vmq, Date.now() + 50);
      expect((await handleVmqApi(vmq, "vq", "createOrder", () => Promise.resolve(ctx))).status).toBe(408);
      expect(lines.filter((l) => l.includes('"level":50'))).toEqual([]);
    } finally {
      await db.close();
    }
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
    // The sandbox provider's notify signature (docs/contract.md#sandbox-provider), as a provider would compute it.
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

  /** A request from socket address `peer` (as the fast lane hands it over), with any headers the client likes. */
  const fromPeer = (request: Request, peer: string): Request => (rememberPeer(request, peer), request);

  /** Sends `wrong` 7 times from one address, then `right` from it and from another: the IP budget's whole story. */
  const budgetStory = async (
    send: (params: Record<string, string>, ip: string) => Promise<Response>,
    wrong: Record<string, string>,
    right: Record<string, string>,
  ) => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await send(wrong, "198.51.100.77")).status);
    return {
      wrong: statuses,
      rightFromSameIp: (await send(right, "198.51.100.77")).status,
      rightFromOtherIp: await send(right, "198.51.100.78"),
    };
  };

  it("epay api.php: wrong keys are limited per IP (HTTP 429 请求过于频繁), then the IP is refused even with the right key", async () => {
    const ctx = fresh();
    const api = epayApiHandler(() => Promise.resolve(ctx));
    const send = (params: Record<string, string>, ip: string) =>
      api(fromPeer(form("http://paydesk.test/api.php", params), ip));
    const story = await budgetStory(
      send,
      { act: "query", pid: "2001", key: "x".repeat(EPAY_KEY.length) },
      { act: "query", pid: "2001", key: EPAY_KEY },
    );
    expect(story.wrong).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(story.rightFromSameIp).toBe(429);
    expect(story.rightFromOtherIp.status).toBe(200);
    expect(((await story.rightFromOtherIp.json()) as { code: number }).code).toBe(1);
    const limited = await send({ act: "query", pid: "2001", key: EPAY_KEY }, "198.51.100.77");
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(await limited.json()).toEqual({ code: -1, msg: "请求过于频繁" });
  });

  it("epay mapi.php and submit.php: wrong signatures are limited per IP and per merchant", async () => {
    const ctx = fresh();
    const mapi = epayMapiHandler(() => Promise.resolve(ctx));
    const submit = epaySubmitHandler(() => Promise.resolve(ctx));
    const order = {
      pid: "2002",
      type: "alipay",
      out_trade_no: "ep-1",
      notify_url: "https://shop.example/n",
      name: "x",
      money: "1.00",
      sign_type: "MD5",
    };
    const wrong = { ...order, sign: "0".repeat(32) };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await mapi(fromPeer(form("http://paydesk.test/mapi.php", wrong), "203.0.113.50"))).status);
    for (let i = 0; i < 4; i++)
      statuses.push((await submit(fromPeer(form("http://paydesk.test/submit.php", wrong), "203.0.113.50"))).status);
    // One budget for the IP across both endpoints: 5 wrong ones answered as usual (JSON 200, the error page 400).
    expect(statuses).toEqual([200, 200, 200, 400, 400, 429, 429]);
    // Spread over many IPs, the merchant's budget (8) runs out instead; its right signatures still pass.
    const spread: number[] = [];
    for (let i = 0; i < 6; i++)
      spread.push((await mapi(fromPeer(form("http://paydesk.test/mapi.php", wrong), `192.0.2.${i + 10}`))).status);
    expect(spread.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it("V免签 closeOrder, createOrder and getState: wrong signatures are limited per IP (HTTP 429)", async () => {
    const ctx = fresh();
    const vmq = (action: string, params: Record<string, string>, ip: string) =>
      handleVmqApi(fromPeer(form(`http://paydesk.test/vmq/vq/${action}`, params), ip), "vq", action, () =>
        Promise.resolve(ctx),
      );
    const wrongSign = "f".repeat(32);
    const statuses: number[] = [];
    statuses.push((await vmq("closeOrder", { orderId: "P123", sign: wrongSign }, "203.0.113.60")).status);
    statuses.push((await vmq("closeOrder", { orderId: "P124", sign: wrongSign }, "203.0.113.60")).status);
    statuses.push((await vmq("getState", { t: "1", sign: wrongSign }, "203.0.113.60")).status);
    for (let i = 0; i < 4; i++)
      statuses.push(
        (
          await vmq(
            "createOrder",
            { payId: `v-${i}`, param: "", type: "1", price: "1.00", sign: wrongSign },
            "203.0.113.60",
          )
        ).status,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await vmq("closeOrder", { orderId: "P125", sign: md5(`P125${VMQ_KEY}`) }, "203.0.113.60");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: -1, msg: "请求过于频繁" });
    // closeOrder's own answers are unchanged for another address.
    const other = await vmq("closeOrder", { orderId: "P126", sign: wrongSign }, "203.0.113.61");
    expect(other.status).toBe(200);
    expect(await other.json()).toMatchObject({ code: -1 });
  });

  it("rotating X-Forwarded-For or X-Real-IP does not escape the per-IP limits (no proxy configured: the socket counts)", async () => {
    const ctx = fresh();
    const create = merchantHandler(createOrder, () => Promise.resolve(ctx));
    const bad = {
      ...signedCreateParams(
        { price: "1.00", type: "alipay", out_order_id: "rot-1" },
        { appkey: "rot", appsecret: SECRET },
      ),
      sign: "0".repeat(32),
    };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const headers: Record<string, string> =
        i % 2 ? { "x-real-ip": `10.9.0.${i}` } : { "x-forwarded-for": `10.8.0.${i}, 10.7.0.${i}` };
      statuses.push(
        (await create(fromPeer(form("http://paydesk.test/api/cloudpay/create", bad, headers), "203.0.113.70"))).status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    // Next.js routes under scripts/server.mjs: the server's peer header is the socket; a client's own copy of it is
    // replaced there, so here it stands for the socket, and rotating the other headers changes nothing.
    (globalThis as Record<symbol, unknown>)[EDGE_MARK] = true;
    try {
      const viaNext = await create(
        form("http://paydesk.test/api/cloudpay/create", bad, {
          [PEER_HEADER]: "203.0.113.70",
          "x-forwarded-for": "10.6.6.6",
        }),
      );
      expect(viaNext.status).toBe(429);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[EDGE_MARK];
    }
  });

  it("with proxy_hops: 1 the address the proxy appended counts, so a client rotating its own entries still shares one budget", async () => {
    const base = fresh();
    const ctx = { ...base, config: { ...base.config, limits: { ...base.config.limits, proxy_hops: 1 } } };
    const create = merchantHandler(createOrder, () => Promise.resolve(ctx));
    const bad = {
      ...signedCreateParams(
        { price: "1.00", type: "alipay", out_order_id: "hop-1" },
        { appkey: "hop", appsecret: SECRET },
      ),
      sign: "0".repeat(32),
    };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (
          await create(
            fromPeer(
              form("http://paydesk.test/api/cloudpay/create", bad, { "x-forwarded-for": `10.5.0.${i}, 203.0.113.80` }),
              "10.0.0.2",
            ),
          )
        ).status,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    // Another client behind the same proxy is its own address.
    const other = await create(
      fromPeer(form("http://paydesk.test/api/cloudpay/create", bad, { "x-forwarded-for": "203.0.113.81" }), "10.0.0.2"),
    );
    expect(other.status).toBe(200);
  });
});
