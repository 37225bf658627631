import "server-only";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { auditAccount, parseMerchants } from "@/lib/console/accounts";
import {
  changeOwnPassword,
  createAccount,
  deleteAccount,
  resetAccountPassword,
  resetAccountTotp,
  saveAccountSettings,
  updateAccount,
} from "@/lib/console/accounts-admin";
import { sessionCookie, startConsoleSession } from "@/lib/console/console-session";
import { completeSetup } from "@/lib/console/setup";
import { beginTotp, confirmTotp, disableTotp } from "@/lib/console/totp-enrolment";
import { requestIp } from "./abuse-limits";
import { backTo, consoleAction, sameOrigin } from "./console-handler";

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
};

/**
 * The accounts endpoints (lib/console/accounts.ts, totp-enrolment.ts, setup.ts): the users page's (owners; the
 * role table in lib/console/roles.ts says so for each path), one's own account's, and first-run setup's. Those that
 * hand out a secret shown once (a generated password, a TOTP key, recovery codes) answer JSON to the page's
 * script instead of a redirect, so the secret never sits in a URL, a history entry or a log.
 */
export function consoleAccountRoutes(getCtx: () => Promise<AppContext> = getAppContext) {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
    });
  const merchantsOf = (ctx: AppContext, form: FormData) =>
    parseMerchants(
      ctx,
      form.getAll("merchants").filter((v): v is string => typeof v === "string"),
    );
  const usersBack = (request: Request, r: { ok: true } | { ok: false; error: string }, msg: string) =>
    backTo(request, "/console/users", r.ok ? { msg } : { refused: r.error });

  const createUserRoute = consoleAction(async ({ ctx, session, form }) => {
    const r = await createAccount(ctx, session.account, {
      name: field(form, "name"),
      role: field(form, "role"),
      merchants: merchantsOf(ctx, form),
    });
    return json(r.ok ? { ok: true, name: field(form, "name"), password: r.password } : r, r.ok ? 200 : 422);
  }, getCtx);

  const updateUserRoute = consoleAction(async ({ ctx, session, form, request }) => {
    const r = await updateAccount(ctx, session.account, {
      name: field(form, "name"),
      version: Number(field(form, "version")),
      role: field(form, "role"),
      merchants: merchantsOf(ctx, form),
      disabled: form.get("disabled") === "on",
    });
    return usersBack(request, r, "saved");
  }, getCtx);

  const deleteUserRoute = consoleAction(async ({ ctx, session, form, request }) => {
    return usersBack(request, await deleteAccount(ctx, session.account, field(form, "name")), "deleted");
  }, getCtx);

  const resetTotpRoute = consoleAction(async ({ ctx, session, form, request }) => {
    return usersBack(request, await resetAccountTotp(ctx, session.account, field(form, "name")), "totp_reset");
  }, getCtx);

  const resetPasswordRoute = consoleAction(async ({ ctx, session, form }) => {
    const name = field(form, "name");
    const r = await resetAccountPassword(ctx, session.account, name);
    return json(r.ok ? { ok: true, name, password: r.password } : r, r.ok ? 200 : 422);
  }, getCtx);

  const accountSettingsRoute = consoleAction(async ({ ctx, session, form, request }) => {
    const r = await saveAccountSettings(ctx, session.account, {
      idleTimeoutMin: Number(field(form, "idle_timeout_min")),
      requireTotp: form.get("require_totp") === "on",
      version: Number(field(form, "version")),
    });
    return usersBack(request, r, "saved");
  }, getCtx);

  const changePasswordRoute = consoleAction(async ({ ctx, session, form, request }) => {
    const r = await changeOwnPassword(ctx, session.account, {
      current: String(form.get("current") ?? ""),
      next: String(form.get("next") ?? ""),
      repeat: String(form.get("repeat") ?? ""),
    });
    if (!r.ok) return backTo(request, "/console/account", { refused: r.error });
    // Every session ended with the old password; this browser gets a fresh one, so the change does not log it out.
    const { sealed } = await startConsoleSession(
      ctx,
      { name: session.account.name },
      {
        clientIp: requestIp(ctx, request),
        userAgent: request.headers.get("user-agent") ?? "",
      },
    );
    const res = backTo(request, "/console/account", { msg: "password_changed" });
    res.headers.append("Set-Cookie", sessionCookie(ctx.config, sealed));
    return res;
  }, getCtx);

  const totpBeginRoute = consoleAction(async ({ ctx, session }) => {
    const r = await beginTotp(ctx, session.account);
    return json(r, r.ok ? 200 : 422);
  }, getCtx);

  const totpConfirmRoute = consoleAction(async ({ ctx, session, form }) => {
    const r = await confirmTotp(ctx, session.account, field(form, "code"), session.idHash);
    return json(r, r.ok ? 200 : 422);
  }, getCtx);

  const totpDisableRoute = consoleAction(async ({ ctx, session, form, request }) => {
    const r = await disableTotp(ctx, session.account, String(form.get("password") ?? ""));
    return backTo(request, "/console/account", r.ok ? { msg: "totp_disabled" } : { refused: r.error });
  }, getCtx);

  const endSessionsRoute = consoleAction(async ({ ctx, session, request }) => {
    const n = await ctx.repos.consoleUsers.endUserSessionsExcept(session.account.name, session.idHash);
    await auditAccount(ctx, session.account.name, "sessions_end", `${n} other session(s) ended`);
    return backTo(request, "/console/account", { msg: "sessions_ended" });
  }, getCtx);

  /** `POST /console/setup/create`: the first owner, from the one-time link; signed in at once. */
  async function setupRoute(request: Request): Promise<Response> {
    const ctx = await getCtx();
    if (!sameOrigin(request, ctx)) return text(403, "cross-site request refused");
    const form = await request.formData().catch(() => new FormData());
    const token = field(form, "token");
    const r = await completeSetup(ctx, {
      token,
      name: field(form, "name"),
      password: String(form.get("password") ?? ""),
      repeat: String(form.get("repeat") ?? ""),
    });
    if (!r.ok) {
      const res = backTo(request, "/console/setup", { token, error: r.error });
      return res;
    }
    const { sealed } = await startConsoleSession(
      ctx,
      { name: r.name },
      {
        clientIp: requestIp(ctx, request),
        userAgent: request.headers.get("user-agent") ?? "",
      },
    );
    const res = backTo(request, "/console/account", { msg: "welcome" });
    res.headers.append("Set-Cookie", sessionCookie(ctx.config, sealed));
    return res;
  }

  return {
    createUserRoute,
    updateUserRoute,
    deleteUserRoute,
    resetTotpRoute,
    resetPasswordRoute,
    accountSettingsRoute,
    changePasswordRoute,
    totpBeginRoute,
    totpConfirmRoute,
    totpDisableRoute,
    endSessionsRoute,
    setupRoute,
  };
}

export const accountRoutes = consoleAccountRoutes();
