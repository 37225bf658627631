import "server-only";
import type { AppContext } from "@/lib/context";
import { loginLimiters, type LoginLimiters } from "./login-limiter";
import { DUMMY_HASH, verifyPassword } from "./password";
import { sealConsoleSession } from "./console-session";

export type LoginResult =
  | { ok: true; sealed: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterMs: number };

/**
 * Checks a console login. Failures count against both the user name and the client address, so neither guessing
 * one account's password from many addresses nor many accounts from one address gets far. The answer never says
 * whether the user exists.
 */
export async function consoleLogin(
  ctx: AppContext,
  input: { name: string; password: string; clientIp: string },
  limiters: LoginLimiters = loginLimiters(),
): Promise<LoginResult> {
  const now = ctx.now();
  const userKey = [input.name.toLowerCase()];
  const ipKey = [input.clientIp];
  const wait = Math.max(limiters.byUser.retryAfter(userKey, now), limiters.byIp.retryAfter(ipKey, now));
  if (wait > 0) return { ok: false, reason: "rate_limited", retryAfterMs: wait };
  const user = ctx.config.consoleUsers.find((u) => u.name === input.name);
  const good = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !good) {
    limiters.byUser.recordFailure(userKey, now);
    limiters.byIp.recordFailure(ipKey, now);
    ctx.log.warn({ user: input.name, ip: input.clientIp }, "console login refused");
    return { ok: false, reason: "invalid" };
  }
  limiters.byUser.reset(userKey[0]!);
  const { sealed } = await sealConsoleSession(ctx.config, user, now);
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
