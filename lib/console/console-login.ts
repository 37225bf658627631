import "server-only";
import type { AppContext } from "@/lib/context";
import { findAccount } from "./accounts";
import {
  DEFAULT_LOGIN_POLICY,
  loginRetryAfter,
  recordLoginFailure,
  recordLoginSuccess,
  type LoginPolicy,
} from "./login-limiter";
import { DUMMY_HASH, verifyPassword } from "./password";
import { startConsoleSession } from "./console-session";
import { looksLikeRecoveryCode, spendRecoveryCode, verifyTotp } from "./totp";

export type LoginResult =
  | { ok: true; sealed: string }
  | { ok: false; reason: "invalid" }
  /** The password was right and the account has a second factor: the form asks for the code. */
  | { ok: false; reason: "code_required" }
  | { ok: false; reason: "rate_limited"; retryAfterMs: number };

/**
 * Checks a console login: password, then (for an account with TOTP) a 6-digit code or one of its recovery codes.
 * Failures, of either, are throttled per user name and address, per address, and (as a back-off for addresses
 * that have failed) per user name: see login-limiter.ts. The answer never says whether the user exists; it asks
 * for a code only after the right password.
 */
export async function consoleLogin(
  ctx: AppContext,
  input: { name: string; password: string; code?: string; clientIp: string; userAgent?: string },
  policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
): Promise<LoginResult> {
  const now = ctx.now();
  const who = { name: input.name, ip: input.clientIp, now };
  const wait = await loginRetryAfter(ctx, who, policy);
  if (wait > 0) return { ok: false, reason: "rate_limited", retryAfterMs: wait };
  const account = await findAccount(ctx, input.name);
  const good = await verifyPassword(input.password, account?.password_hash ?? DUMMY_HASH);
  if (!account || !good || account.disabled) {
    await recordLoginFailure(ctx, who, policy);
    ctx.log.warn({ user: input.name, ip: input.clientIp }, "console login refused");
    return { ok: false, reason: "invalid" };
  }
  let factor = "password";
  const secret = account.record.totpSecret;
  if (secret !== null) {
    const code = (input.code ?? "").trim();
    if (!code) return { ok: false, reason: "code_required" };
    const r = account.record;
    let used = false;
    if (looksLikeRecoveryCode(code)) {
      const left = spendRecoveryCode(r.recoveryCodes, code);
      // Guarded by the version: one recovery code signs in once, even from two browsers at the same moment.
      used =
        left !== null &&
        (await ctx.repos.consoleUsers.updateConsoleUser(r.name, r.version, { recoveryCodes: left }, now));
      factor = "recovery code";
    } else {
      const step = await verifyTotp(secret, code, now, r.totpLastStep);
      used =
        step !== null &&
        (await ctx.repos.consoleUsers.updateConsoleUser(r.name, r.version, { totpLastStep: step }, now));
      factor = "password + TOTP";
    }
    if (!used) {
      await recordLoginFailure(ctx, who, policy);
      ctx.log.warn({ user: input.name, ip: input.clientIp }, "console login refused: second factor");
      return { ok: false, reason: "invalid" };
    }
  }
  await recordLoginSuccess(ctx, who);
  const { sealed } = await startConsoleSession(ctx, account, {
    clientIp: input.clientIp,
    userAgent: input.userAgent ?? "",
  });
  await ctx.repos.consoleAudit.insertAuditEntry({
    at: now,
    user_name: account.name,
    action: "login",
    appkey: null,
    order_id: null,
    payment_id: null,
    reason: null,
    detail: factor === "password" ? `from ${input.clientIp}` : `from ${input.clientIp} (${factor})`,
  });
  return { ok: true, sealed };
}
