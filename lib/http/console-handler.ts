import "server-only";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { safeConsolePath } from "@/lib/console/console-locale";
import { scopeFor, type ConsoleScope } from "@/lib/console/console-scope";
import { allowedBeforeTotpEnrolment, leastRoleForPost, roleAtLeast } from "@/lib/console/roles";
import {
  CONSOLE_COOKIE,
  csrfMatches,
  readConsoleSession,
  sessionCookie,
  type ConsoleSession,
} from "@/lib/console/console-session";

/** Reads one cookie from a request's Cookie header. */
export function requestCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/**
 * A cross-site form post is refused outright: browsers send Origin on every POST, and it must be ours. (The
 * SameSite=Strict cookie and the CSRF token already stop it; this keeps the login form, which has no session yet,
 * just as safe.)
 */
export function sameOrigin(request: Request, ctx: AppContext): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  const own = new Set([new URL(request.url).origin, new URL(ctx.config.baseUrl).origin]);
  const host = request.headers.get("host");
  if (host) own.add(`${new URL(request.url).protocol}//${host}`);
  return own.has(origin);
}

/** A 303 back into the console (Post/Redirect/Get), with an optional flash message key. */
export function backTo(request: Request, path: string, flash?: Record<string, string>): Response {
  const url = new URL(safeConsolePath(path), request.url);
  for (const [k, v] of Object.entries(flash ?? {})) url.searchParams.set(k, v);
  return new Response(null, {
    status: 303,
    headers: { Location: url.pathname + url.search, "Cache-Control": "no-store" },
  });
}

const refuse = (status: number, text: string) =>
  new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

export interface ConsoleActionInput {
  ctx: AppContext;
  scope: ConsoleScope;
  session: ConsoleSession;
  form: FormData;
  request: Request;
}

/**
 * Wraps every console action (a form POST): same origin, a live session (its row in the database, so one ended on
 * any instance is refused), the session's CSRF token in the form's `csrf` field, and a role at least the one
 * lib/console/roles.ts `CONSOLE_POST_ROLES` gives the request's path (owner for a path it does not list), or the
 * action does not run (403; an expired or ended session goes back to the login page). An account that must still
 * enrol in TOTP may only change its own account and log out.
 */
export function consoleAction(
  fn: (input: ConsoleActionInput) => Promise<Response>,
  getCtx: () => Promise<AppContext> = getAppContext,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const ctx = await getCtx();
    if (!sameOrigin(request, ctx)) return refuse(403, "cross-site request refused");
    const cookie = requestCookie(request, CONSOLE_COOKIE);
    const session = await readConsoleSession(ctx, cookie);
    if (!session) {
      const res = backTo(request, "/console/login", { expired: "1" });
      // A dead session's cookie is of no use any more: the browser may as well drop it.
      if (cookie) res.headers.append("Set-Cookie", sessionCookie(ctx.config, null));
      return res;
    }
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return refuse(400, "form body expected");
    }
    if (!csrfMatches(session, form.get("csrf"))) return refuse(403, "CSRF token missing or wrong");
    const path = new URL(request.url).pathname;
    if (session.mustEnrolTotp && !allowedBeforeTotpEnrolment(path)) return backTo(request, "/console/account");
    if (!roleAtLeast(session.account.role, leastRoleForPost(path)))
      return refuse(403, `the role "${session.account.role}" may not do this`);
    return fn({ ctx, scope: scopeFor(ctx.config, session.account), session, form, request });
  };
}
