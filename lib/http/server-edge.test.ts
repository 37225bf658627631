import type http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createEdge,
  createServer,
  EDGE_MARK,
  PEER_HEADER,
  publicPaths,
  SERVER_TIMEOUTS,
  type EdgeRefusal,
} from "@/scripts/server-edge.mjs";
import { BODY_READ_TIMEOUT_MS } from "./read-body";
import { EDGE_MARK as LIB_EDGE_MARK, PEER_HEADER as LIB_PEER_HEADER } from "./client-ip";

const servers: http.Server[] = [];

afterEach(async () => {
  delete (globalThis as Record<symbol, unknown>)[EDGE_MARK];
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(server: http.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

/**
 * A raw client that sends `head`, then one byte of `drip` every `everyMs`; resolves with what the server sent and
 * how long the socket stayed open (capped at `maxMs`, when the client gives up itself).
 */
function dripClient(port: number, head: string, drip: string, everyMs: number, maxMs = 5_000) {
  return new Promise<{ openMs: number; answer: string; closedByServer: boolean }>((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    let i = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const done = (closedByServer: boolean) => {
      clearInterval(timer);
      clearTimeout(cap);
      socket.destroy();
      resolve({ openMs: Date.now() - started, answer, closedByServer });
    };
    const cap = setTimeout(() => done(false), maxMs);
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    socket.on("close", () => done(true));
    socket.on("error", () => undefined);
    socket.on("connect", () => {
      socket.write(head);
      timer = setInterval(() => {
        if (i < drip.length && !socket.destroyed) socket.write(drip[i++] ?? "");
      }, everyMs);
    });
  });
}

describe("server edge: slow requests", () => {
  it("cuts a body dripped a byte at a time at the request timeout (every route: the lane's and Next's)", async () => {
    let bodiesRead = 0;
    const server = createServer(
      (req, res) => {
        req.on("data", () => undefined);
        req.on("end", () => {
          bodiesRead += 1;
          res.end("read it all");
        });
      },
      { headersTimeout: 200, requestTimeout: 400, connectionsCheckingInterval: 50 },
    );
    const port = await listen(server);
    const r = await dripClient(
      port,
      "POST /api/notify/sandbox HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n",
      "x".repeat(1000),
      40,
    );
    expect(r.closedByServer).toBe(true);
    expect(r.openMs).toBeLessThan(1_500);
    expect(bodiesRead).toBe(0);
  });

  it("cuts headers dripped a byte at a time at the headers timeout", async () => {
    const server = createServer((_req, res) => res.end("ok"), {
      headersTimeout: 200,
      requestTimeout: 400,
      connectionsCheckingInterval: 50,
    });
    const port = await listen(server);
    const r = await dripClient(port, "GET / HTTP/1.1\r\n", "X-Slow: " + "a".repeat(500), 40);
    expect(r.closedByServer).toBe(true);
    expect(r.openMs).toBeLessThan(1_000);
  });

  it("does not cut a held answer: only receiving the request is timed", async () => {
    const server = createServer(
      (_req, res) => {
        setTimeout(() => res.end("held"), 900);
      },
      { headersTimeout: 200, requestTimeout: 400, connectionsCheckingInterval: 50 },
    );
    const port = await listen(server);
    const res = await fetch(`http://127.0.0.1:${port}/api/cloudpay/query?wait=1`);
    expect(await res.text()).toBe("held");
  });

  it("defaults: every request is received within 30 s, on the server and in the body reader", async () => {
    const t = SERVER_TIMEOUTS;
    expect(t.requestTimeout + t.connectionsCheckingInterval).toBeLessThan(30_000);
    expect(t.headersTimeout).toBeLessThanOrEqual(t.requestTimeout);
    expect(t.keepAliveTimeout).toBeGreaterThan(30_000);
    expect(BODY_READ_TIMEOUT_MS).toBeLessThan(30_000);
    const server = createServer((_req, res) => res.end());
    servers.push(server);
    expect(server.requestTimeout).toBe(t.requestTimeout);
    expect(server.headersTimeout).toBe(t.headersTimeout);
    expect(server.keepAliveTimeout).toBe(t.keepAliveTimeout);
  });
});

describe("server edge: what it answers itself", () => {
  const start = async (baseUrl = "http://localhost:3000") => {
    const refused: EdgeRefusal[] = [];
    const reached: { path: string; peer: string | undefined }[] = [];
    const edge = createEdge({
      baseUrl,
      staticPaths: publicPaths(path.join(process.cwd(), "public")),
      report: (r) => refused.push(r),
    });
    const server = createServer((req, res) => {
      if (edge(req, res)) return;
      reached.push({ path: req.url ?? "", peer: req.headers[PEER_HEADER] as string | undefined });
      res.end("next.js");
    });
    const base = `http://127.0.0.1:${await listen(server)}`;
    return { base, refused, reached };
  };

  it("answers a malformed percent-escape in any path 400, reported (the sampled log), never handing it on", async () => {
    const { base, refused, reached } = await start();
    for (const p of [
      "/api/notify/%E0%A4%A",
      "/vmq/%E0%A4%A/createOrder",
      "/api/vmq/%E0%A4%A/appPush",
      "/console/orders/%E0%A4%A",
      "/pay/%zz",
    ]) {
      const res = await fetch(`${base}${p}?sign=abc`, { method: p.startsWith("/vmq") ? "POST" : "GET" });
      expect(res.status, p).toBe(400);
      expect(await res.text()).toMatch(/malformed/);
    }
    expect(reached).toEqual([]);
    expect(refused.map((r) => r.kind)).toEqual(Array(5).fill("bad_path"));
    expect(refused[1]).toEqual({ kind: "bad_path", method: "POST", path: "/vmq/%E0%A4%A/createOrder" });
    // A well-formed escape goes on.
    expect(await (await fetch(`${base}/api/notify/%E4%B8%AD`)).text()).toBe("next.js");
  });

  it("answers any non-GET to /embed.js and the other static files 405 with Allow", async () => {
    const { base, refused, reached } = await start();
    for (const [method, p] of [
      ["POST", "/embed.js"],
      ["PUT", "/embed.js"],
      ["DELETE", "/embed.js"],
      ["OPTIONS", "/embed.js"],
      ["PATCH", "/embed.js"],
      ["POST", "/wallets/alipay.svg"],
      ["POST", "/_next/static/chunks/main.js"],
    ] as const) {
      const res = await fetch(`${base}${p}`, { method, body: method === "POST" ? "x" : undefined });
      expect(res.status, `${method} ${p}`).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
    }
    expect(refused.every((r) => r.kind === "method_not_allowed")).toBe(true);
    expect((await fetch(`${base}/embed.js`)).status).toBe(200);
    expect((await fetch(`${base}/embed.js`, { method: "HEAD" })).status).toBe(200);
    // Routes keep their own methods.
    expect(await (await fetch(`${base}/api/cloudpay/create`, { method: "POST", body: "a=1" })).text()).toBe("next.js");
    expect(reached.map((r) => r.path)).toEqual(["/embed.js", "/embed.js", "/api/cloudpay/create"]);
  });

  it("puts HSTS on every response under https (static files, its own refusals), none on http", async () => {
    const https = await start("https://pay.example");
    for (const [method, p] of [
      ["GET", "/embed.js"],
      ["GET", "/_next/static/chunks/main.js"],
      ["POST", "/embed.js"],
      ["GET", "/vmq/%E0%A4%A/createOrder"],
    ] as const) {
      const res = await fetch(`${https.base}${p}`, { method });
      expect(res.headers.get("strict-transport-security"), `${method} ${p}`).toBe(
        "max-age=31536000; includeSubDomains",
      );
    }
    const http = await start("http://localhost:3000");
    expect((await fetch(`${http.base}/embed.js`)).headers.get("strict-transport-security")).toBeNull();
  });

  it("hands Next.js the socket address in its own header, replacing a client's, and marks the process", async () => {
    const { base, reached } = await start();
    await fetch(`${base}/console`, { headers: { [PEER_HEADER]: "6.6.6.6", "x-forwarded-for": "7.7.7.7" } });
    expect(reached.at(-1)?.peer).toBe("127.0.0.1");
    expect((globalThis as Record<symbol, unknown>)[LIB_EDGE_MARK]).toBe(true);
    // The two sides of the contract name the same header and mark.
    expect(PEER_HEADER).toBe(LIB_PEER_HEADER);
    expect(EDGE_MARK).toBe(LIB_EDGE_MARK);
  });
});
