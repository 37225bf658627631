#!/usr/bin/env node
/**
 * Paydesk's production server (`npm start` runs it after making sure the build is fresh): one `node:http` server in
 * front of Next.js, in one process. The fast lane (lib/http/fast-lane.ts: every merchant API of the three protocols,
 * 云端's status query and held poll included; provider notifies and the V免签 monitor app; health) answers straight
 * from here; everything else (pages, the console, the cashier's own routes) goes to Next's request handler. Both see
 * the same database, events and in-memory order views (they live on globalThis).
 *
 *   node scripts/server.mjs [-p PORT] [-H HOSTNAME]     (PORT / HOSTNAME from the environment otherwise; 3000)
 *
 * `PAYDESK_FAST_LANE=0` sends every request through Next.js (to compare, or to rule the lane out).
 *
 * In front of both, scripts/server-edge.mjs: request timeouts (a slow body is cut before 30 s), the client's socket
 * address for Next's routes, 400 for malformed path escapes, 405 for wrong methods on static files, HSTS on https.
 */
import http from "node:http";
import path from "node:path";

import { createEdge, createServer, publicPaths } from "./server-edge.mjs";

process.env.NODE_ENV ??= "production";

function argValue(names) {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split("=", 2);
    if (names.includes(flag)) return inline ?? args[i + 1];
  }
  return undefined;
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const port = Number(argValue(["-p", "--port"]) ?? process.env.PORT ?? 3000);
const hostname = argValue(["-H", "--hostname"]) ?? process.env.HOSTNAME ?? "0.0.0.0";

const { default: next } = await import("next");
const app = next({ dev: false, dir: root, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const KEY = Symbol.for("paydesk.fastLane");
const EDGE_LOG = Symbol.for("paydesk.edgeLog");
const laneOff = process.env.PAYDESK_FAST_LANE === "0";

const edge = createEdge({
  baseUrl: process.env.PAYDESK_BASE_URL ?? "",
  staticPaths: publicPaths(path.join(root, "public")),
  // The app's sampled logger (lib/http/refused-request-log.ts), published with the lane; nothing before that.
  report: (refused) => globalThis[EDGE_LOG]?.(refused),
});

// Timeouts: scripts/server-edge.mjs (held polls last up to 30 s; keep-alive between them 65 s).
const server = createServer((req, res) => {
  if (edge(req, res)) return;
  // Published by instrumentation.ts, which Next.js runs on its first request (the warm-up below).
  const lane = laneOff ? undefined : globalThis[KEY];
  if (typeof lane === "function" && lane(req, res)) return;
  handle(req, res).catch((err) => {
    console.error(err);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
// A deep accept queue (the kernel caps it at net.core.somaxconn): thousands of cashier pages reconnecting at once
// after a restart are queued, not reset.
await new Promise((resolve) => server.listen({ port, host: hostname, backlog: 4096 }, resolve));
// Next.js starts Paydesk (database, dispatcher, sweeper: instrumentation.ts) on its first request, not at listen: one
// request now, so a restarted instance delivers due notifications without waiting for traffic.
const local = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
// node:http, not fetch: fetch refuses ports on its "bad ports" list (4190, 6000, …), which an operator may use.
const warm = await new Promise((resolve) => {
  http
    .get({ host: local, port, path: "/api/health" }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    })
    .on("error", (err) => resolve(err.message));
});
if (warm !== 200) console.warn(`paydesk: warm-up request failed (${warm})`);
if (!laneOff && typeof globalThis[KEY] !== "function")
  console.warn("paydesk: the fast lane was not published; serving everything through Next.js");
console.log(`paydesk: ready on http://${local === "127.0.0.1" ? "localhost" : local}:${port}`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    server.closeIdleConnections();
    process.exit(0);
  });
}
