/**
 * The merchant console's routes in the fuzz suite (spread into ROUTES by fuzz-routes.ts), fuzzed signed in: every
 * request carries a live session cookie, and a form body mostly carries the session's CSRF token too, so the
 * random input reaches the actions and the page loaders rather than stopping at the login redirect. A logout
 * among the random requests ends the session; the next console request signs in again.
 */
import type { AppContext } from "@/lib/context";
import { channelIdsInScope, scopeFor, type ConsoleScope } from "@/lib/console/console-scope";
import { CONSOLE_COOKIE, readConsoleSession, startConsoleSession } from "@/lib/console/console-session";
import { loadChannelHealth } from "@/lib/console/channel-health";
import { findConsoleOrders, parseOrderSearch } from "@/lib/console/order-search";
import { loadOrderTimeline } from "@/lib/console/order-timeline";
import { loadOverview } from "@/lib/console/overview";
import { requestCookie } from "@/lib/http/console-handler";
import { consoleOrderRoutes } from "@/lib/http/console-order-routes";
import { consoleRoutes, languageRoute } from "@/lib/http/console-routes";
import type { Route } from "./fuzz-routes";
import type { TestContext } from "./test-context";

/** The fuzz's operator: sees every merchant. Nobody knows the password (the login route is fuzzed, never passed). */
export const FUZZ_CONSOLE_USER = {
  name: "fuzz-ops",
  password_hash: `scrypt$16384$8$1$${"A".repeat(22)}$${"A".repeat(43)}`,
  merchants: "*" as const,
};

const withUser = (ctx: TestContext): AppContext => ({
  ...ctx,
  config: { ...ctx.config, consoleUsers: [FUZZ_CONSOLE_USER] },
});

const sessions = new WeakMap<TestContext, { sealed: string; csrf: string }>();

/** The context's live session, started again when a fuzzed logout ended it. */
async function signedIn(ctx: TestContext): Promise<{ sealed: string; csrf: string }> {
  const known = sessions.get(ctx);
  if (known && (await readConsoleSession(withUser(ctx), known.sealed))) return known;
  const { sealed, session } = await startConsoleSession(withUser(ctx), FUZZ_CONSOLE_USER);
  const fresh = { sealed, csrf: session.csrf };
  sessions.set(ctx, fresh);
  return fresh;
}

// The harness's field names are the merchant protocols'; the console's forms take these, fed the same values.
const CONSOLE_FIELDS: Record<string, string> = {
  id: "payment_id",
  trade_no: "payment_id",
  custom: "reason",
  param: "reason",
  return_url: "back",
  key: "password",
};

/**
 * The fuzzed request as a signed-in operator's: the session cookie always; for a body, mostly a form (the fuzzed
 * parameters, under the console's field names too) with the CSRF token. Every choice is a function of the input,
 * so a fast-check seed still repeats: one body in three is sent as fuzzed, one form in five without the token.
 */
async function asOperator(ctx: TestContext, request: Request): Promise<Request> {
  const { sealed, csrf } = await signedIn(ctx);
  const headers = new Headers(request.headers);
  headers.set("cookie", `${CONSOLE_COOKIE}=${sealed}`);
  if (request.method === "GET" || request.method === "HEAD") return new Request(request.url, { headers });
  let body = await request.text();
  const isForm = headers.get("content-type") === "application/x-www-form-urlencoded";
  if (isForm || body.length % 3) {
    const form = new URLSearchParams(isForm ? body : new URL(request.url).search);
    for (const [from, to] of Object.entries(CONSOLE_FIELDS)) {
      const v = form.get(from);
      if (v !== null && !form.has(to)) form.set(to, v);
    }
    if (body.length % 5) form.set("csrf", csrf);
    body = form.toString();
    headers.set("content-type", "application/x-www-form-urlencoded");
  }
  return new Request(request.url, { method: request.method, headers, body });
}

const action =
  (pick: (routes: ReturnType<typeof consoleRoutes>) => (request: Request) => Promise<Response>): Route =>
  async (ctx, r) =>
    pick(consoleRoutes(() => Promise.resolve(withUser(ctx))))(await asOperator(ctx, r));

const orderAction =
  (pick: (routes: ReturnType<typeof consoleOrderRoutes>) => (request: Request) => Promise<Response>): Route =>
  async (ctx, r) =>
    pick(consoleOrderRoutes(() => Promise.resolve(withUser(ctx))))(await asOperator(ctx, r));

/** A console page's loader behind the session check every page makes (lib/console/page-auth.ts). */
const page =
  (load: (ctx: AppContext, scope: ConsoleScope, url: URL, segment: string) => Promise<unknown>): Route =>
  async (ctx, r, segment) => {
    const request = await asOperator(ctx, r);
    const app = withUser(ctx);
    const session = await readConsoleSession(app, requestCookie(request, CONSOLE_COOKIE));
    if (!session) return new Response(null, { status: 303, headers: { Location: "/console/login" } });
    return Response.json(
      (await load(app, scopeFor(app.config, session.account), new URL(request.url), segment)) ?? null,
    );
  };

export const CONSOLE_ROUTES: Record<string, Route> = {
  "/console/auth/login": action((routes) => routes.loginRoute),
  "/console/auth/logout": action((routes) => routes.logoutRoute),
  "/console/act/resend": action((routes) => routes.resendRoute),
  "/console/act/credit": action((routes) => routes.creditRoute),
  "/console/act/dismiss": action((routes) => routes.dismissRoute),
  "/console/act/resend-shop": action((routes) => routes.resendShopRoute),
  "/console/act/test-alert": action((routes) => routes.testAlertRoute),
  "/console/orders/{id}/refund": orderAction((routes) => routes.refundRoute),
  "/console/orders/{id}/close": orderAction((routes) => routes.closeRoute),
  "/console/orders/{id}/note": orderAction((routes) => routes.noteRoute),
  "/console/lang": async (ctx, r) => languageRoute(await asOperator(ctx, r)),
  "/console": page((ctx, scope) => loadOverview(ctx, scope)),
  "/console/orders": page((ctx, scope, url) =>
    findConsoleOrders(ctx, scope, parseOrderSearch(Object.fromEntries(url.searchParams))),
  ),
  "/console/orders/{id}": page((ctx, scope, _url, id) => loadOrderTimeline(ctx, scope, id)),
  "/console/review": page((ctx, scope) =>
    ctx.repos.payments.listReviewPaymentsInScope({ appkeys: scope.appkeys, channelIds: channelIdsInScope(scope) }, 100),
  ),
  "/console/channels": page((ctx, scope) => loadChannelHealth(ctx, scope)),
};
