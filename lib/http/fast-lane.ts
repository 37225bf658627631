import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { queryOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";
import type { Limits } from "@/lib/config/limits";
import { PEER_HEADER, rememberPeer } from "./client-ip";
import { epayApiHandler, epayMapiHandler, epaySubmitHandler } from "./epay-handler";
import { healthResponse } from "./health";
import { answerText } from "./json-answer";
import { merchantHandler } from "./merchant-handler";
import { handleVmqMonitor } from "./monitor-handler";
import { handleNotify } from "./provider-notify-handler";
import { BODY_READ_TIMEOUT_MS, setBodyDeadline } from "./read-body";
import { logRefusedRequest, type RefusedRequest } from "./refused-request-log";
import { API_HEADERS, COMMON_HEADERS, FRAME_DENY, hstsFor, newNonce, pageCsp } from "./security-headers";
import { handleVmqApi } from "./vmq-handler";

/**
 * The fast lane: the routes that carry the load (every merchant API of the three protocols: 云端's create and query
 * with its held poll, epay's submit.php, mapi.php and api.php, V免签's `/vmq/{appkey}/{action}`; provider notifies
 * and the V免签 monitor app's calls; health) served straight from `node:http` by scripts/server.mjs, ahead of
 * Next.js. They are the very handlers the app routes export; only Next's per-request pipeline (routing, proxy.ts, the
 * headers() config), which costs more than the work itself on these routes, is skipped, and the lane gives each
 * answer the headers that pipeline would (see `Shield`). Every other path and method goes on to Next.
 * A held poll is also just a parked promise here, not a request kept inside Next's renderer.
 */
export type FastLane = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A route's handler, with the route's path parameters already percent-decoded. */
type Handler = (request: Request, params: string[]) => Promise<Response>;

/**
 * The security headers of an answer, as Next.js gives them on its path: `api` under `/api/` (next.config.ts: never
 * framed, loads nothing); `page` elsewhere (proxy.ts: the page policy with a fresh script nonce, X-Frame-Options
 * DENY), which submit.php's error page needs (inline styles; the API policy would block them) and epay's and V免签's
 * JSON answers have always had. Both also get COMMON_HEADERS and, on https, HSTS.
 */
type Shield = "api" | "page";

interface Route {
  path: RegExp;
  methods: ReadonlySet<string>;
  handler: Handler;
  shield: Shield;
  /**
   * The handler may hold the request open (云端's held poll): its request's `signal` aborts when the client goes
   * away. Only such routes get one; following a signal costs each request ~a tenth of a query's time.
   */
  holds?: true;
}

/** What a route exporting GET and POST answers (Next.js answers HEAD with GET); other methods go on to Next. */
const GET_POST = new Set(["GET", "HEAD", "POST"]);

/** The routes, each the same handler as its app twin (named beside it). */
export function fastRoutes(contextFactory: () => Promise<AppContext> = getAppContext): Route[] {
  const query = merchantHandler(queryOrder, contextFactory); // app/api/cloudpay/query
  const create = merchantHandler(createOrder, contextFactory); // app/api/cloudpay/create
  const mapi = epayMapiHandler(contextFactory); // app/mapi.php
  const submit = epaySubmitHandler(contextFactory); // app/submit.php
  const epayApi = epayApiHandler(contextFactory); // app/api.php
  return [
    { path: /^\/api\/cloudpay\/query\/?$/, methods: GET_POST, handler: (r) => query(r), shield: "api", holds: true },
    { path: /^\/api\/cloudpay\/create\/?$/, methods: new Set(["POST"]), handler: (r) => create(r), shield: "api" },
    { path: /^\/mapi\.php\/?$/, methods: GET_POST, handler: (r) => mapi(r), shield: "page" },
    { path: /^\/api\.php\/?$/, methods: GET_POST, handler: (r) => epayApi(r), shield: "page" },
    { path: /^\/submit\.php\/?$/, methods: GET_POST, handler: (r) => submit(r), shield: "page" },
    // app/vmq/[appkey]/[action] (an unknown action is the handler's answer, code -1, as on Next.js).
    {
      path: /^\/vmq\/([^/]+)\/([^/]+)\/?$/,
      methods: GET_POST,
      handler: (r, [appkey, action]) => handleVmqApi(r, appkey ?? "", action ?? "", contextFactory),
      shield: "page",
    },
    // app/api/vmq/[channel]/appHeart and appPush (the V免签 monitor app).
    {
      path: /^\/api\/vmq\/([^/]+)\/(?:appHeart|appPush)\/?$/,
      methods: GET_POST,
      handler: (r, [channel]) => handleVmqMonitor(r, channel ?? "", contextFactory),
      shield: "api",
    },
    // app/api/notify/[channel]; a channel id is one path segment.
    {
      path: /^\/api\/notify\/([^/]+)\/?$/,
      methods: GET_POST,
      handler: (r, [channel]) => handleNotify(r, channel ?? "", contextFactory),
      shield: "api",
    },
    // app/api/health
    { path: /^\/api\/health\/?$/, methods: new Set(["GET", "HEAD"]), handler: () => healthResponse(), shield: "api" },
  ];
}

function webRequest(req: IncomingMessage, origin: string, signal: AbortSignal | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  // The lane holds the socket: its address is given to the request directly (rememberPeer), and the header the
  // server sets for Next.js is made to say the same, whatever the client sent.
  const peer = req.socket.remoteAddress;
  if (peer) headers.set(PEER_HEADER, peer);
  else headers.delete(PEER_HEADER);
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  // The URL's text: given a URL object, Request spells it out and parses it again.
  const request = new Request(new URL(req.url ?? "/", origin).href, {
    method,
    headers,
    ...(signal ? { signal } : {}),
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
  rememberPeer(request, peer);
  return request;
}

/** Percent-decodes path parameters; null when one is malformed (`%E0%A4%A`): the client's error, answered 400. */
function decodeParams(match: RegExpExecArray): string[] | null {
  try {
    return match.slice(1).map((p) => decodeURIComponent(p ?? ""));
  } catch {
    return null;
  }
}

async function send(res: ServerResponse, response: Response, head: boolean, extra: [string, string][]): Promise<void> {
  // A JSON answer's text as built (lib/http/json-answer.ts), without reading it back out of the response's stream.
  const text = answerText(response);
  let body: Buffer | undefined;
  if (!head) body = text !== undefined ? Buffer.from(text, "utf8") : Buffer.from(await response.arrayBuffer());
  if (res.destroyed) return;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of extra) headers[name] = value;
  response.headers.forEach((value, name) => {
    if (name === "set-cookie") headers[name] = response.headers.getSetCookie();
    else headers[name] = value;
  });
  if (body) headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

export interface FastLaneOptions {
  /** How long a request's body may take to arrive, from the request's arrival (BODY_READ_TIMEOUT_MS; tests shorten it). */
  bodyTimeoutMs?: number;
  /** Requests refused before a handler ran (a malformed path escape): logged sampled (lib/http/refused-request-log.ts). */
  refused?: (refused: RefusedRequest) => void;
  /** `next dev`: the page policy allows eval for its tooling (the config's `dev`, as proxy.ts passes it). */
  dev?: boolean;
}

/**
 * The lane for one process: `serve(req, res)` answers and returns true on a fast route, returns false (touching
 * nothing) on any other. `baseUrl` is Paydesk's public address (HSTS on https).
 */
export function createFastLane(
  baseUrl: string,
  contextFactory: () => Promise<AppContext> = getAppContext,
  log: (err: unknown) => void = () => undefined,
  options: FastLaneOptions = {},
): FastLane {
  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_READ_TIMEOUT_MS;
  const routes = fastRoutes(contextFactory);
  const pairs = (list: ReadonlyArray<{ key: string; value: string }>): [string, string][] =>
    list.map((h) => [h.key.toLowerCase(), h.value]);
  const hsts = hstsFor(baseUrl);
  const common = pairs(COMMON_HEADERS);
  if (hsts) common.push(["strict-transport-security", hsts]);
  const apiHeaders = [...common, ...pairs(API_HEADERS)];
  const pageHeaders = [...common, ...pairs([FRAME_DENY])];
  const dev = options.dev ?? false;
  // A fresh nonce per answer, as proxy.ts gives every document (nothing here runs scripts; the policy is the same).
  const headersFor = (shield: Shield): [string, string][] =>
    shield === "api"
      ? apiHeaders
      : [...pageHeaders, ["content-security-policy", pageCsp({ nonce: newNonce(), frameAncestors: [], dev })]];
  const origin = new URL(baseUrl).origin;
  return (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? "GET";
    let route: Route | undefined;
    let found: RegExpExecArray | null = null;
    for (const r of routes) {
      found = r.path.exec(pathname);
      if (found) {
        route = r;
        break;
      }
    }
    if (!route || !found || !route.methods.has(method)) return false;
    const extra = headersFor(route.shield);
    const params = decodeParams(found);
    if (!params) {
      options.refused?.({ kind: "bad_path", method, path: pathname });
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8", ...Object.fromEntries(extra) });
      res.end("bad request: malformed percent-escape in the path");
      return true;
    }
    const arrived = Date.now();
    // A client that goes away (a closed cashier tab) ends its held poll at once.
    const abort = route.holds ? new AbortController() : undefined;
    if (abort)
      res.on("close", () => {
        if (!res.writableFinished) abort.abort();
      });
    // Answered before its body was all read (refused early): Node reads and drops the rest, which a real client sends
    // at once; a client still dripping it at the body's deadline loses the connection.
    const socket = req.socket;
    res.on("finish", () => {
      if (req.complete) return;
      const cut = setTimeout(() => req.complete || socket.destroy(), Math.max(0, arrived + bodyTimeoutMs - Date.now()));
      cut.unref();
      req.once("end", () => clearTimeout(cut));
    });
    const matched = route;
    // Inside the promise: a malformed URL is answered, never thrown at the server.
    Promise.resolve()
      .then(() => {
        const request = webRequest(req, origin, abort?.signal);
        setBodyDeadline(request, arrived + bodyTimeoutMs);
        return matched.handler(request, params);
      })
      .then((response) => send(res, response, method === "HEAD", extra))
      .catch((err: unknown) => {
        log(err);
        if (res.headersSent || res.destroyed) return void res.destroy();
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8", ...Object.fromEntries(extra) });
        res.end("internal error");
      });
    return true;
  };
}

/** Where scripts/server.mjs finds the lane: instrumentation.ts puts it here, in Next's own bundle of lib/. */
export const FAST_LANE_KEY = Symbol.for("paydesk.fastLane");

/**
 * Where scripts/server-edge.mjs reports what it refuses itself (malformed paths, wrong methods on static files, slow
 * bodies): published here so those lines go through the same sampled logger as the lane's.
 */
export const EDGE_LOG_KEY = Symbol.for("paydesk.edgeLog");

/** Makes this process's lane (and the edge's logger) available to scripts/server.mjs (called once at start-up). */
export async function publishFastLane(): Promise<void> {
  const ctx = await getAppContext();
  const limits: Limits = ctx.config.limits;
  const refused = (r: RefusedRequest) => logRefusedRequest(ctx.log, limits, r);
  const lane = createFastLane(
    ctx.config.baseUrl,
    getAppContext,
    (err) => ctx.log.error({ err }, "fast lane request failed"),
    { refused, dev: ctx.config.dev },
  );
  (globalThis as Record<symbol, unknown>)[FAST_LANE_KEY] = lane;
  (globalThis as Record<symbol, unknown>)[EDGE_LOG_KEY] = refused;
}
