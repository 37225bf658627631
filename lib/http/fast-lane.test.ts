import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limitsSchema } from "@/lib/config/limits";
import { liveOrdersFor } from "@/lib/events/live-orders";
import { md5 } from "@/lib/crypto/digest";
import type { DatabaseHandle } from "@/lib/storage/database";
import { EPAY_MERCHANT, signedRequest } from "@/test/support/epay-client";
import { signedCreateParams } from "@/test/support/merchant-client";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import { epayApiHandler, epayMapiHandler, epaySubmitHandler } from "./epay-handler";
import { createFastLane } from "./fast-lane";
import { handleVmqMonitor } from "./monitor-handler";
import type { RefusedRequest } from "./refused-request-log";
import { handleVmqApi } from "./vmq-handler";

interface Envelope {
  code: number;
  msg: string;
  data?: { order_id: string; status: string; pay_amount?: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The V免签 shop's communication key and the monitor app's key (docs/protocols/vmq.md signs with plain MD5). */
const VMQ_KEY = "fast-lane-vmq-shop-key";
const MONITOR_KEY = "fast-lane-monitor-key";

/** The test merchant with epay and V免签 credentials too, and a V免签 monitor channel beside the sandbox. */
function laneConfigFile(overrides: Parameters<typeof testConfigFile>[0] = {}) {
  const file = testConfigFile({
    channels: [
      { id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay", "qqpay"] },
      {
        id: "vmq1",
        provider: "vmq",
        types: ["wxpay"],
        key: MONITOR_KEY,
        codes: { wxpay: "wxp://fast-lane" },
        fixed_codes: [],
        offset: "up",
        max_offsets: 10,
        offline_after_seconds: 60,
      },
    ],
    ...overrides,
  });
  file.merchants[0]!.epay = { pid: EPAY_MERCHANT.pid, key: EPAY_MERCHANT.key, allowed_hosts: [] };
  file.merchants[0]!.vmq = { key: VMQ_KEY, allowed_hosts: [] };
  return file;
}

describe("fast lane (node:http in front of Next.js)", () => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let server: http.Server;
  let base = "";
  let port = 0;
  let seq = 0;
  const errors: unknown[] = [];
  const refused: RefusedRequest[] = [];
  const BODY_TIMEOUT_MS = 400;

  beforeAll(async () => {
    db = await openTestDatabase("sqlite");
    ctx = testContext(db, testAppConfig(laneConfigFile(), "https://pay.example"));
    ctx.now = () => Date.now();
    const lane = createFastLane(
      ctx.config.baseUrl,
      () => Promise.resolve(ctx),
      (err) => errors.push(err),
      { bodyTimeoutMs: BODY_TIMEOUT_MS, refused: (r) => refused.push(r) },
    );
    // What scripts/server.mjs does: the lane first, anything it declines to Next.js (here a marker answer).
    server = http.createServer((req, res) => {
      if (lane(req, res)) return;
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("next.js");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await db.close();
  });

  const create = async (): Promise<{ orderId: string; amount: string }> => {
    const params = signedCreateParams({ price: "2.00", type: "alipay", out_order_id: `fl-${++seq}` });
    const res = await fetch(`${base}/api/cloudpay/create`, { method: "POST", body: new URLSearchParams(params) });
    const body = (await res.json()) as Envelope;
    expect(body.code, body.msg).toBe(100);
    return { orderId: body.data!.order_id, amount: String(Math.round(Number(body.data!.pay_amount) * 100)) };
  };
  const query = async (params: Record<string, string>, signal?: AbortSignal) => {
    const res = await fetch(`${base}/api/cloudpay/query?${new URLSearchParams({ sign: "nosign", ...params })}`, {
      signal,
    });
    return { res, body: (await res.json()) as Envelope };
  };
  const notify = async (orderId: string, amount: string) => {
    const f = { order_id: orderId, amount, trade_no: `FL-${orderId}` };
    const res = await fetch(`${base}/api/notify/sandbox`, {
      method: "POST",
      body: new URLSearchParams({ ...f, sign: md5(f.order_id + f.amount + f.trade_no + "sandbox") }),
    });
    return res.text();
  };

  it("serves create and the classic poll with the API's security headers (HSTS on https)", async () => {
    const { orderId } = await create();
    const { res, body } = await query({ order_id: orderId });
    expect(body.data).toMatchObject({ order_id: orderId, status: "pending" });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("a held poll answers when the provider's notify arrives, long before its wait ends", async () => {
    const { orderId, amount } = await create();
    const started = Date.now();
    const held = query({ order_id: orderId, status: "pending", wait: "20" });
    await sleep(150);
    expect(await notify(orderId, amount)).toBe("success");
    const { body } = await held;
    expect(body.data?.status).toBe("paid");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("a held poll answers at its wait with the unchanged status; without status/wait it answers at once", async () => {
    const { orderId } = await create();
    const t0 = Date.now();
    const { body } = await query({ order_id: orderId, status: "pending", wait: "1" });
    expect(body.data?.status).toBe("pending");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    const t1 = Date.now();
    expect((await query({ order_id: orderId })).body.data?.status).toBe("pending");
    expect(Date.now() - t1).toBeLessThan(900);
  });

  it("a client that goes away ends its held poll", async () => {
    const { orderId } = await create();
    const live = liveOrdersFor(ctx);
    const before = live.waiting;
    const abort = new AbortController();
    const held = query({ order_id: orderId, status: "pending", wait: "20" }, abort.signal).catch(() => "aborted");
    for (let i = 0; i < 50 && live.waiting === before; i++) await sleep(20);
    expect(live.waiting).toBe(before + 1);
    abort.abort();
    expect(await held).toBe("aborted");
    for (let i = 0; i < 50 && live.waiting > before; i++) await sleep(20);
    expect(live.waiting).toBe(before);
  });

  it("refuses a bad body with the merchant API's code, not a stack trace", async () => {
    const res = await fetch(`${base}/api/cloudpay/create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    const body = (await res.json()) as Envelope;
    expect(body.code).toBe(105);
  });

  it("answers a malformed channel escape 400 (the client's error, logged sampled), not 500", async () => {
    const res = await fetch(`${base}/api/notify/%E0%A4%A`, { method: "POST", body: "x=1" });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/malformed percent-escape/);
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    expect(refused).toContainEqual({ kind: "bad_path", method: "POST", path: "/api/notify/%E0%A4%A" });
    expect(errors).toEqual([]);
    // The server is still there.
    expect((await fetch(`${base}/api/cloudpay/query?sign=nosign&order_id=x`)).status).toBe(200);
  });

  it("cuts a body dripped a byte at a time at the body deadline (injected here; 20 s by default)", async () => {
    const started = Date.now();
    const r = await new Promise<{ ms: number; answer: string }>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      let answer = "";
      const iv = setInterval(() => socket.writable && socket.write("x"), 30);
      const cap = setTimeout(() => socket.destroy(), 5_000);
      socket.on("data", (d: Buffer) => (answer += d.toString()));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearInterval(iv);
        clearTimeout(cap);
        resolve({ ms: Date.now() - started, answer });
      });
      socket.write("POST /api/notify/sandbox HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nsign=");
    });
    expect(r.ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
    expect(r.ms).toBeLessThan(BODY_TIMEOUT_MS + 1_000);
    expect(r.answer).not.toMatch(/^HTTP\/1\.1 200/);
    expect(errors).toEqual([]);
  });

  it("counts the socket's address, not the client's X-Forwarded-For: rotating it does not escape the per-IP limit", async () => {
    // A lane of its own, with a small payer budget, so this suite's other requests keep theirs.
    const limited = testContext(
      db,
      testAppConfig(testConfigFile({ limits: limitsSchema.parse({ payer_per_ip_per_minute: 5 }) })),
    );
    const lane = createFastLane(limited.config.baseUrl, () => Promise.resolve(limited));
    const own = http.createServer((req, res) => void (lane(req, res) || res.writeHead(404).end()));
    await new Promise<void>((r) => own.listen(0, "127.0.0.1", r));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const headers: Record<string, string> =
          i % 2 ? { "x-real-ip": `10.2.${i}.1` } : { "x-forwarded-for": `10.1.${i}.1` };
        const res = await fetch(
          `http://127.0.0.1:${(own.address() as AddressInfo).port}/api/cloudpay/query?sign=nosign&order_id=x`,
          { headers },
        );
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    } finally {
      own.closeAllConnections();
      await new Promise((r) => own.close(r));
    }
  });

  it("leaves every other path and method to Next.js", async () => {
    for (const [method, path] of [
      ["GET", "/pay/P00000000000000000000"],
      ["POST", "/api/cloudpay/close"],
      ["GET", "/api/cloudpay/create"],
      ["DELETE", "/api/cloudpay/query"],
      ["GET", "/api/cloudpay/query/extra"],
      ["GET", "/console"],
      // The epay and V免签 routes export GET and POST only (Next.js answers the other methods 405 itself).
      ["DELETE", "/mapi.php"],
      ["PUT", "/api.php"],
      ["OPTIONS", "/submit.php"],
      ["PATCH", "/vmq/k1/getState"],
      ["DELETE", "/api/vmq/vmq1/appHeart"],
      ["GET", "/mapi.phpx"],
      ["GET", "/vmq/k1"],
      ["GET", "/vmq/k1/getState/extra"],
      ["GET", "/api/vmq/vmq1/appOther"],
    ] as const) {
      const res = await fetch(`${base}${path}`, { method });
      expect(await res.text(), `${method} ${path}`).toBe("next.js");
    }
  });

  describe("every merchant protocol on the lane, answering as its app route does", () => {
    const factory = () => Promise.resolve(ctx);
    // The handlers the app routes export (app/mapi.php, app/submit.php, app/api.php, app/vmq/[appkey]/[action],
    // app/api/vmq/[channel]/appHeart|appPush), called directly: what Next.js would run for the same request.
    const mapi = epayMapiHandler(factory);
    const submit = epaySubmitHandler(factory);
    const epayApi = epayApiHandler(factory);

    /** The request through the lane (over HTTP; never the "next.js" marker) and straight to its route's handler. */
    const both = async (
      path: string,
      direct: (request: Request) => Promise<Response>,
      init: { method?: string; form?: Record<string, string> } = {},
    ): Promise<{ lane: Response; route: Response }> => {
      const method = init.method ?? (init.form ? "POST" : "GET");
      const make = () => ({
        method,
        redirect: "manual" as const,
        ...(init.form ? { body: new URLSearchParams(init.form) } : {}),
      });
      const lane = await fetch(`${base}${path}`, make());
      const route = await direct(new Request(`${base}${path}`, make()));
      return { lane, route };
    };
    const sameJson = async ({ lane, route }: { lane: Response; route: Response }) => {
      const text = await lane.text();
      expect(text).not.toBe("next.js");
      expect(lane.status).toBe(route.status);
      const body = JSON.parse(text) as unknown;
      expect(body).toEqual(await route.json());
      return body as Record<string, unknown>;
    };
    const epayOrder = (outTradeNo: string) =>
      signedRequest("sdk", {
        type: "alipay",
        out_trade_no: outTradeNo,
        notify_url: "http://127.0.0.1:9/epay-notify",
        return_url: "https://shop.example/back",
        name: "lane",
        money: "3.00",
      });
    const vmqOrder = (payId: string) => {
      const p = { payId, param: "", type: "1", price: "4.00" };
      return { ...p, sign: md5(p.payId + p.param + p.type + p.price + VMQ_KEY) };
    };

    it("mapi.php: a create, and its retry straight to the route's handler, give the same answer", async () => {
      const form = epayOrder(`lane-mapi-${++seq}`);
      const body = await sameJson(await both("/mapi.php", mapi, { form }));
      expect(body).toMatchObject({ code: 1, trade_no: expect.stringMatching(/^[A-Za-z0-9]{16,}$/) as unknown });
      // A wrong signature: epay's failure shape, HTTP 200, on both.
      expect(await sameJson(await both("/mapi.php", mapi, { form: { ...form, sign: "0".repeat(32) } }))).toMatchObject({
        code: -1,
      });
    });

    it("api.php?act=order: the order mapi.php made, as the route answers it (GET; POST too)", async () => {
      const made = (await (
        await fetch(`${base}/mapi.php`, { method: "POST", body: new URLSearchParams(epayOrder(`lane-api-${++seq}`)) })
      ).json()) as { trade_no: string };
      const q = new URLSearchParams({
        act: "order",
        pid: EPAY_MERCHANT.pid,
        key: EPAY_MERCHANT.key,
        trade_no: made.trade_no,
      });
      expect(await sameJson(await both(`/api.php?${q}`, epayApi))).toMatchObject({
        code: 1,
        trade_no: made.trade_no,
        status: 0,
      });
      expect(await sameJson(await both("/api.php", epayApi, { form: Object.fromEntries(q) }))).toMatchObject({
        code: 1,
      });
      // HEAD: the GET's status and headers, no body (as Next.js answers HEAD on a GET route).
      const head = await fetch(`${base}/api.php?${q}`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
    });

    it("submit.php: the redirect to the cashier (GET and POST) and the error page, as the route renders them", async () => {
      for (const method of ["GET", "POST"]) {
        const form = epayOrder(`lane-submit-${++seq}`);
        const path = method === "GET" ? `/submit.php?${new URLSearchParams(form)}` : "/submit.php";
        const { lane, route } = await both(path, submit, method === "GET" ? {} : { form });
        expect(lane.status, method).toBe(302);
        expect(route.status).toBe(302);
        expect(lane.headers.get("location")).toMatch(/^https:\/\/pay\.example\/pay\/[A-Za-z0-9]{16,}$/);
        expect(lane.headers.get("location")).toBe(route.headers.get("location"));
      }
      const { lane, route } = await both("/submit.php?pid=nobody", submit);
      expect(lane.status).toBe(400);
      expect(lane.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const html = await lane.text();
      expect(html).toContain("无法发起支付");
      expect(html).toBe(await route.text());
    });

    it("V免签 createOrder (JSON and isHtml=1), getOrder and getState, as the route answers them", async () => {
      const form = vmqOrder(`lane-vmq-${++seq}`);
      const vmq = (action: string) => (r: Request) => handleVmqApi(r, "k1", action, factory);
      const created = await sameJson(await both("/vmq/k1/createOrder", vmq("createOrder"), { form }));
      expect(created).toMatchObject({ code: 1, data: { payId: form.payId } });
      const orderId = (created.data as { orderId: string }).orderId;
      expect(await sameJson(await both(`/vmq/k1/getOrder?orderId=${orderId}`, vmq("getOrder")))).toMatchObject({
        code: 1,
        data: { orderId },
      });
      const t = String(Date.now());
      const state = await sameJson(await both(`/vmq/k1/getState?t=${t}&sign=${md5(t + VMQ_KEY)}`, vmq("getState")));
      expect(state).toMatchObject({ code: 1 });
      expect(await sameJson(await both("/vmq/k1/noSuchAction", vmq("noSuchAction")))).toMatchObject({ code: -1 });
      // isHtml=1: the payer's browser is sent to the cashier.
      const html = { ...vmqOrder(`lane-vmq-${++seq}`), isHtml: "1" };
      const { lane, route } = await both(`/vmq/k1/createOrder?${new URLSearchParams(html)}`, vmq("createOrder"));
      expect(lane.status).toBe(302);
      expect(lane.headers.get("location")).toBe(route.headers.get("location"));
      // A path parameter is percent-decoded as Next.js decodes it: an unknown (decoded) appkey.
      expect(
        await sameJson(
          await both("/vmq/no%20body/getOrder?orderId=x", (r) => handleVmqApi(r, "no body", "getOrder", factory)),
        ),
      ).toMatchObject({ code: -1 });
    });

    it("the V免签 monitor app's appHeart and appPush, and an unknown channel's 404", async () => {
      const monitor = (channel: string) => (r: Request) => handleVmqMonitor(r, channel, factory);
      for (const action of ["appHeart", "appPush"]) {
        const t = String(Date.now());
        const q =
          action === "appHeart"
            ? `t=${t}&sign=${md5(t + MONITOR_KEY)}`
            : `t=${t}&type=1&price=99.99&sign=${md5(`199.99${t}${MONITOR_KEY}`)}`;
        const lane = await fetch(`${base}/api/vmq/vmq1/${action}?${q}`);
        const text = await lane.text();
        expect(text, action).not.toBe("next.js");
        // The same call again straight to the handler, a millisecond later (its own fresh t).
        await sleep(2);
        const t2 = String(Date.now());
        const q2 =
          action === "appHeart"
            ? `t=${t2}&sign=${md5(t2 + MONITOR_KEY)}`
            : `t=${t2}&type=1&price=99.99&sign=${md5(`199.99${t2}${MONITOR_KEY}`)}`;
        const route = await monitor("vmq1")(new Request(`${base}/api/vmq/vmq1/${action}?${q2}`));
        expect(lane.status, action).toBe(route.status);
        expect(JSON.parse(text), action).toEqual(await route.json());
      }
      const { lane, route } = await both("/api/vmq/sandbox/appHeart", monitor("sandbox"));
      expect(lane.status).toBe(404);
      expect(await lane.text()).toBe(await route.text());
    });

    it("gives each answer the security headers Next.js gives its path: the page policy with a fresh nonce off /api/", async () => {
      const nonces: string[] = [];
      for (const path of ["/mapi.php", "/api.php", "/submit.php", "/vmq/k1/getState"]) {
        const res = await fetch(`${base}${path}`, { redirect: "manual" });
        await res.arrayBuffer();
        const csp = res.headers.get("content-security-policy") ?? "";
        expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
        expect(csp, path).toContain("style-src 'self' 'unsafe-inline'");
        expect(csp, path).toContain("frame-ancestors 'none'");
        expect(csp, path).not.toContain("unsafe-eval");
        nonces.push(/'nonce-([^']+)'/.exec(csp)?.[1] ?? "");
        expect(res.headers.get("x-frame-options"), path).toBe("DENY");
        expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
        expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
        expect(res.headers.get("permissions-policy"), path).toContain("camera=()");
        expect(res.headers.get("strict-transport-security"), path).toContain("max-age=");
        expect(res.headers.get("cache-control"), path).toBe("no-store");
      }
      expect(new Set(nonces).size).toBe(nonces.length);
      const monitor = await fetch(`${base}/api/vmq/vmq1/appHeart`);
      await monitor.arrayBuffer();
      expect(monitor.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(monitor.headers.get("x-frame-options")).toBe("DENY");
      expect(monitor.headers.get("strict-transport-security")).toContain("max-age=");
    });

    it("cuts a mapi.php body dripped a byte at a time at the body deadline", async () => {
      const started = Date.now();
      const r = await new Promise<{ ms: number; answer: string }>((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        let answer = "";
        const iv = setInterval(() => socket.writable && socket.write("x"), 30);
        const cap = setTimeout(() => socket.destroy(), 5_000);
        socket.on("data", (d: Buffer) => (answer += d.toString()));
        socket.on("error", () => undefined);
        socket.on("close", () => {
          clearInterval(iv);
          clearTimeout(cap);
          resolve({ ms: Date.now() - started, answer });
        });
        socket.write("POST /mapi.php HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\npid=");
      });
      expect(r.ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
      expect(r.ms).toBeLessThan(BODY_TIMEOUT_MS + 1_000);
      // The handler's own answer to the late body (epay's failure shape), then the socket is cut.
      expect(r.answer).toContain("请求超时");
      expect(errors).toEqual([]);
    });

    it("counts wrong epay signatures by the socket's address: rotating X-Forwarded-For does not escape the limit", async () => {
      const limited = testContext(
        db,
        testAppConfig(laneConfigFile({ limits: limitsSchema.parse({ failed_signs_per_ip_per_minute: 3 }) })),
      );
      const lane = createFastLane(limited.config.baseUrl, () => Promise.resolve(limited));
      const own = http.createServer((req, res) => void (lane(req, res) || res.writeHead(404).end()));
      await new Promise<void>((r) => own.listen(0, "127.0.0.1", r));
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) {
          const form = { ...epayOrder(`lane-bad-${++seq}`), sign: "0".repeat(32) };
          const res = await fetch(`http://127.0.0.1:${(own.address() as AddressInfo).port}/mapi.php`, {
            method: "POST",
            headers: { "x-forwarded-for": `10.3.${i}.1` },
            body: new URLSearchParams(form),
          });
          await res.arrayBuffer();
          statuses.push(res.status);
        }
        expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
      } finally {
        own.closeAllConnections();
        await new Promise((r) => own.close(r));
      }
    });
  });
});
