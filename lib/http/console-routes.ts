import "server-only";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { cleanReason, creditFromConsole, dismissFromConsole, resendFromConsole } from "@/lib/console/console-actions";
import { testAlertFromConsole } from "@/lib/console/alerts-page";
import { resendShopFromConsole } from "@/lib/console/failing-shops";
import { consoleLogin } from "@/lib/console/console-login";
import { CONSOLE_LANG_COOKIE, safeConsolePath } from "@/lib/console/console-locale";
import { endConsoleSession, sessionCookie } from "@/lib/console/console-session";
import { requestIp } from "./abuse-limits";
import { backTo, consoleAction, sameOrigin } from "./console-handler";

/** The console's form-post endpoints (app/console/auth/*, app/console/act/*), each a thin wrapper over lib/console. */

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
};

/** The endpoints over one way of getting the context (the app's; tests and the fuzz pass their own). */
export function consoleRoutes(getCtx: () => Promise<AppContext> = getAppContext) {
  async function loginRoute(request: Request): Promise<Response> {
    const ctx = await getCtx();
    if (!sameOrigin(request, ctx)) return text(403, "cross-site request refused");
    const form = await request.formData().catch(() => new FormData());
    const result = await consoleLogin(ctx, {
      name: field(form, "name"),
      password: String(form.get("password") ?? ""),
      code: field(form, "code"),
      clientIp: requestIp(ctx, request),
      userAgent: request.headers.get("user-agent") ?? "",
    });
    if (!result.ok) {
      const flash: Record<string, string> =
        result.reason === "rate_limited"
          ? { error: "rate", wait: String(Math.ceil(result.retryAfterMs / 60_000)) }
          : result.reason === "code_required"
            ? { error: "code" }
            : { error: "invalid" };
      const res = backTo(request, "/console/login", flash);
      if (result.reason === "rate_limited")
        res.headers.set("Retry-After", String(Math.ceil(result.retryAfterMs / 1000)));
      return res;
    }
    const res = backTo(request, "/console");
    res.headers.append("Set-Cookie", sessionCookie(ctx.config, result.sealed));
    return res;
  }

  const logoutRoute = consoleAction(async ({ ctx, session, request }) => {
    // The row goes, not only the cookie: a copy of the cookie is refused on every instance from now on.
    await endConsoleSession(ctx, session);
    await ctx.repos.consoleAudit.insertAuditEntry({
      at: ctx.now(),
      user_name: session.user,
      action: "logout",
      appkey: null,
      order_id: null,
      payment_id: null,
      reason: null,
      detail: null,
    });
    const res = backTo(request, "/console/login", { out: "1" });
    res.headers.append("Set-Cookie", sessionCookie(ctx.config, null));
    return res;
  }, getCtx);

  const resendRoute = consoleAction(async ({ ctx, scope, form, request }) => {
    const orderId = field(form, "order_id");
    const r = await resendFromConsole(ctx, scope, orderId);
    if (r.outcome === "forbidden") return text(403, "forbidden");
    if (r.outcome === "not_found") return text(404, "no such order");
    return backTo(request, `/console/orders/${encodeURIComponent(orderId)}`, {
      msg: r.outcome === "queued" ? "resendQueued" : "resendNothing",
    });
  }, getCtx);

  const creditRoute = consoleAction(async ({ ctx, scope, form, request }) => {
    const back = safeConsolePath(field(form, "back"), "/console/review");
    const paymentId = Number(field(form, "payment_id"));
    const orderId = field(form, "order_id");
    const reason = cleanReason(form.get("reason"));
    if (!reason) return backTo(request, back, { refused: "reason_required" });
    if (!Number.isSafeInteger(paymentId) || !orderId) return backTo(request, back, { refused: "order_not_found" });
    const r = await creditFromConsole(ctx, scope, { paymentId, orderId, reason });
    if (r.outcome === "forbidden") return text(403, "forbidden");
    if (r.outcome === "not_found") return text(404, "no such payment");
    return backTo(request, back, r.outcome === "credited" ? { msg: "credited" } : { refused: r.outcome });
  }, getCtx);

  const dismissRoute = consoleAction(async ({ ctx, scope, form, request }) => {
    const back = safeConsolePath(field(form, "back"), "/console/review");
    const paymentId = Number(field(form, "payment_id"));
    const reason = cleanReason(form.get("reason"));
    if (!reason) return backTo(request, back, { refused: "reason_required" });
    if (!Number.isSafeInteger(paymentId)) return text(404, "no such payment");
    const r = await dismissFromConsole(ctx, scope, { paymentId, reason });
    if (r.outcome === "forbidden") return text(403, "forbidden");
    if (r.outcome === "not_found") return text(404, "no such payment");
    return backTo(request, back, r.outcome === "dismissed" ? { msg: "dismissed" } : { refused: r.outcome });
  }, getCtx);

  // One shop's failing notifications resent at once (the overview's "全部重发"); another merchant's shop is 403.
  const resendShopRoute = consoleAction(async ({ ctx, scope, form, request }) => {
    const back = safeConsolePath(field(form, "back"), "/console");
    const r = await resendShopFromConsole(ctx, scope, field(form, "appkey"));
    if (r.outcome === "forbidden") return text(403, "forbidden");
    if (r.outcome === "not_found") return text(404, "no such merchant");
    return backTo(
      request,
      back,
      r.outcome === "queued" ? { msg: "resendShopQueued", n: String(r.count ?? 0) } : { msg: "resendShopNothing" },
    );
  }, getCtx);

  // "发送测试告警": one test alert to one sink through the outbox; the alerts page then shows its delivery's answer.
  const testAlertRoute = consoleAction(async ({ ctx, scope, form, request }) => {
    const r = await testAlertFromConsole(ctx, scope, field(form, "sink"));
    if (r.outcome === "forbidden") return text(403, "forbidden");
    if (r.outcome === "not_found") return backTo(request, "/console/alerts", { refused: "unknown_sink" });
    return backTo(request, "/console/alerts", { msg: "testAlertQueued", alert: String(r.alertId ?? "") });
  }, getCtx);

  return { loginRoute, logoutRoute, resendRoute, creditRoute, dismissRoute, resendShopRoute, testAlertRoute };
}

export const { loginRoute, logoutRoute, resendRoute, creditRoute, dismissRoute, resendShopRoute, testAlertRoute } =
  consoleRoutes();

/** `GET /console/lang?to=en&back=/console/orders`: remembers the language for a year and goes back. */
export function languageRoute(request: Request): Response {
  const url = new URL(request.url);
  const to = url.searchParams.get("to") === "en" ? "en" : "zh-CN";
  const res = backTo(request, url.searchParams.get("back") ?? "/console");
  res.headers.append("Set-Cookie", `${CONSOLE_LANG_COOKIE}=${to}; Path=/console; SameSite=Lax; Max-Age=31536000`);
  return res;
}
