import "server-only";
import type { AppContext } from "@/lib/context";
import {
  DEFAULT_LOGIN_POLICY,
  loginRetryAfter,
  recordLoginFailure,
  recordLoginSuccess,
  type LoginPolicy,
} from "./login-limiter";
import { DUMMY_HASH, verifyPassword } from "./password";
import { startConsoleSession } from "./console-session";

export type LoginResult =
  | { ok: true; sealed: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterMs: number };

/**
 * Checks a console login. Failures are throttled per user name and address, per address, and (as a back-off for
 * addresses that have failed) per user name: see login-limiter.ts. The answer never says whether the user exists.
 */
export async function consoleLogin(
  ctx: AppContext,
  input: { name: string; password: string; clientIp: string },
  policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
): Promise<LoginResult> {
  const now = ctx.now();
  const who = { name: input.name, ip: input.clientIp, now };
  const wait = await loginRetryAfter(ctx, who, policy);
  if (wait > 0) return { ok: false, reason: "rate_limited", retryAfterMs: wait };
  const user = ctx.config.consoleUsers.find((u) => u.name === input.name);
  const good = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !good) {
    await recordLoginFailure(ctx, who, policy);
    ctx.log.warn({ user: input.name, ip: input.clientIp }, "console login refused");
    return { ok: false, reason: "invalid" };
  }
  await recordLoginSuccess(ctx, who);
  const { sealed } = await startConsoleSession(ctx, user);
  await ctx.repos.consoleAudit.insertAuditEntry({
    at: now,
    user_name: user.name,
    action: "login",
    appkey: null,
    order_id: null,
    payment_id: null,
    reason: null,
    detail: `from ${input.clientIp}`,
  });
  return { ok: true, sealed };
}
