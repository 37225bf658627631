/**
 * The edge of scripts/server.mjs: what every request gets before the fast lane or Next.js sees it, in plain
 * JavaScript because it runs before (and outside) Next's bundle of lib/. Tested by lib/http/server-edge.test.ts.
 *
 * - Timeouts (`createServer`): a request's headers must arrive within 20 s and the whole request (its body too)
 *   within 25 s, checked every second, so a client dripping bytes loses its socket before 30 s on every route. Only
 *   receiving the request counts: a held poll's 30 s of waiting for the answer does not.
 * - The client's socket address (`PEER_HEADER`, lib/http/client-ip.ts): set on every request from the socket, a
 *   client's own copy replaced, and the process marked so Paydesk believes the header (Next.js routes get no socket).
 * - A path with a malformed percent-escape (`/vmq/%E0%A4%A/createOrder`) is answered 400 here: Next.js would answer
 *   it with an error page it fails to render (500, and a full error log line each time).
 * - A method other than GET/HEAD on a static file (`/embed.js`, `/wallets/*.svg`, `/_next/static/*`) is 405 with
 *   `Allow: GET, HEAD` (same reason).
 * - `Strict-Transport-Security` on every response when Paydesk's public address is https (static files included,
 *   which no other part of Paydesk touches).
 * What is refused here is reported to `report` (the app's sampled logger, once Next.js has published it).
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { hstsFor, NOSNIFF } from "../lib/http/security-header-list.mjs";

/** Request-receiving limits of the production server (milliseconds). requestTimeout + the check interval < 30 s. */
export const SERVER_TIMEOUTS = Object.freeze({
  headersTimeout: 20_000,
  requestTimeout: 25_000,
  connectionsCheckingInterval: 1_000,
  // Between held polls a browser keeps its connection: longer than Node's 5 s.
  keepAliveTimeout: 65_000,
});

/** Must match lib/http/client-ip.ts. */
export const PEER_HEADER = "x-paydesk-peer";
export const EDGE_MARK = Symbol.for("paydesk.edgeSetsPeer");

/** A `node:http` server with the edge's timeouts (`overrides` for tests) around `handler`. */
export function createServer(handler, overrides = {}) {
  const t = { ...SERVER_TIMEOUTS, ...overrides };
  const server = http.createServer(
    {
      headersTimeout: t.headersTimeout,
      requestTimeout: t.requestTimeout,
      connectionsCheckingInterval: t.connectionsCheckingInterval,
    },
    handler,
  );
  server.keepAliveTimeout = t.keepAliveTimeout;
  return server;
}

/** Every file under `dir` as a URL path (`/embed.js`, `/wallets/alipay.svg`): Next.js serves public/ at the root. */
export function publicPaths(dir) {
  const paths = new Set();
  const walk = (sub) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(dir, sub), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = `${sub}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else paths.add(rel);
    }
  };
  walk("");
  return paths;
}

/** True when decoding the path's percent-escapes fails (`%E0%A4%A`, `%zz`, a lone `%`). */
export function malformedPath(pathname) {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/**
 * The edge for one server: `edge(req, res)` prepares the request and returns false (go on to the lane or Next.js),
 * or answers it and returns true. `baseUrl` is Paydesk's public address (PAYDESK_BASE_URL), `staticPaths` the files
 * Next.js serves from public/, `report({kind, method, path})` hears what was refused.
 */
export function createEdge({ baseUrl = "", staticPaths = new Set(), report = () => undefined } = {}) {
  globalThis[EDGE_MARK] = true;
  const hsts = hstsFor(baseUrl);
  const refuse = (req, res, status, kind, pathname, text, headers = {}) => {
    report({ kind, method: req.method ?? "", path: pathname });
    res.writeHead(status, {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      [NOSNIFF.key.toLowerCase()]: NOSNIFF.value,
      ...headers,
    });
    res.end(text);
    return true;
  };
  return (req, res) => {
    const peer = req.socket.remoteAddress;
    if (peer) req.headers[PEER_HEADER] = peer;
    else delete req.headers[PEER_HEADER];
    if (hsts) res.setHeader("strict-transport-security", hsts);
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    if (malformedPath(pathname))
      return refuse(req, res, 400, "bad_path", pathname, "bad request: malformed percent-escape in the path");
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD" && (staticPaths.has(pathname) || pathname.startsWith("/_next/static/")))
      return refuse(req, res, 405, "method_not_allowed", pathname, "method not allowed", { allow: "GET, HEAD" });
    return false;
  };
}
