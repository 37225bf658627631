import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limitsSchema } from "@/lib/config-limits";
import { liveOrdersFor } from "@/lib/events/live-orders";
import { md5 } from "@/lib/merchant-protocol/sign";
import type { DatabaseHandle } from "@/lib/storage/database";
import { signedCreateParams } from "@/test/support/merchant-client";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import { createFastLane } from "./fast-lane";
import type { RefusedRequest } from "./refused-request-log";

interface Envelope {
  code: number;
  msg: string;
  data?: { order_id: string; status: string; pay_amount?: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    ctx = testContext(db, testAppConfig(testConfigFile(), "https://pay.example"));
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
    ] as const) {
      const res = await fetch(`${base}${path}`, { method });
      expect(await res.text(), `${method} ${path}`).toBe("next.js");
    }
  });
});
