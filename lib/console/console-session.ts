import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import type { AppConfig } from "@/lib/config/load";
import type { AppContext } from "@/lib/context";
import { findAccount, type ConsoleAccount } from "./accounts";

/**
 * The console operator's session: a row in the database (`console_sessions`), looked up on every request, so that
 * logout, a password change or a disabled user ends it on every instance at once. The HttpOnly, SameSite=Strict
 * cookie (scoped to /console) holds only a random session id, sealed with iron-session; the row is keyed by the
 * id's SHA-256, so reading the table gives no cookie. The session expires 8 hours after login whatever happens, or
 * sooner when unused for the idle timeout (an owner's setting, 30 minutes by default), and carries a tag of the
 * user's password hash: a changed password (in the console or the config file), a removed or disabled account ends
 * it at the next request, as do "sign out everywhere" and `npm run admin -- logout-user`.
 */
export const CONSOLE_COOKIE = "paydesk_console";
export const SESSION_TTL_MS = 8 * 3600_000;

const sealSchema = z.object({ sid: z.string().min(32).max(64) });

export interface ConsoleSession {
  user: string;
  /** The token every action form sends back (derived from the session id: nothing secret is stored). */
  csrf: string;
  issuedAt: number;
  account: ConsoleAccount;
  /** The row's key, for logout. */
  idHash: string;
  /** The owner requires TOTP and this account has none yet: only its account page and logout are open. */
  mustEnrolTotp: boolean;
}

/** A session is marked used at most this often (one write per minute, not per request). */
const TOUCH_EVERY_MS = 60_000;

type SessionContext = Pick<AppContext, "config" | "repos" | "now">;

const pwTag = (user: Pick<ConsoleAccount, "password_hash">) =>
  createHash("sha256").update(user.password_hash).digest("base64url").slice(0, 16);
const idHashOf = (sid: string) => createHash("sha256").update(sid).digest("hex");
const csrfFor = (config: AppConfig, sid: string) =>
  createHmac("sha256", config.sessionSecret).update(`console-csrf:${sid}`).digest("base64url").slice(0, 32);

/**
 * Starts a session for `user` (the password, and the second factor when it has one, were checked): stores its row
 * and returns the cookie's sealed value.
 */
export async function startConsoleSession(
  ctx: SessionContext,
  user: Pick<ConsoleAccount, "name">,
  from?: { clientIp: string; userAgent: string },
): Promise<{ sealed: string; session: ConsoleSession }> {
  const now = ctx.now();
  const account = await findAccount(ctx, user.name);
  if (!account || account.disabled) throw new Error(`no console account "${user.name}" to start a session for`);
  const sid = randomBytes(32).toString("base64url");
  const idHash = idHashOf(sid);
  await ctx.repos.consoleSessions.deleteExpiredConsoleSessions(now);
  await ctx.repos.consoleSessions.insertConsoleSession({
    id_hash: idHash,
    user_name: account.name,
    pw_tag: pwTag(account),
    created_at: now,
    expires_at: now + SESSION_TTL_MS,
  });
  await ctx.repos.consoleUsers.touchConsoleSession(idHash, now, from);
  const settings = await ctx.repos.consoleUsers.consoleAccountSettings();
  const sealed = await sealData({ sid }, { password: ctx.config.sessionSecret, ttl: SESSION_TTL_MS / 1000 });
  return {
    sealed,
    session: {
      user: account.name,
      csrf: csrfFor(ctx.config, sid),
      issuedAt: now,
      account,
      idHash,
      mustEnrolTotp: settings.requireTotp && !account.totpEnabled,
    },
  };
}

/**
 * The session behind a cookie, or null when absent, forged, expired, idle too long, ended (logout, revoked), or its
 * account is gone, disabled or has a new password.
 */
export async function readConsoleSession(
  ctx: SessionContext,
  sealed: string | undefined,
): Promise<ConsoleSession | null> {
  if (!sealed) return null;
  let raw: unknown;
  try {
    raw = await unsealData<unknown>(sealed, { password: ctx.config.sessionSecret, ttl: SESSION_TTL_MS / 1000 });
  } catch {
    return null;
  }
  const parsed = sealSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { sid } = parsed.data;
  const now = ctx.now();
  const idHash = idHashOf(sid);
  const [row, settings] = await Promise.all([
    ctx.repos.consoleUsers.findLiveConsoleSession(idHash, now),
    ctx.repos.consoleUsers.consoleAccountSettings(),
  ]);
  if (!row || row.createdAt > now + 60_000 || now - row.createdAt >= SESSION_TTL_MS) return null;
  const lastSeen = row.lastSeenAt ?? row.createdAt;
  if (now - lastSeen >= settings.idleTimeoutMin * 60_000) {
    // Idle too long: the row goes, so the cookie is refused everywhere from now on.
    await ctx.repos.consoleSessions.deleteConsoleSession(idHash);
    return null;
  }
  const account = await findAccount(ctx, row.userName);
  if (!account || account.disabled || pwTag(account) !== row.pwTag) return null;
  if (now - lastSeen >= TOUCH_EVERY_MS) await ctx.repos.consoleUsers.touchConsoleSession(idHash, now);
  return {
    user: row.userName,
    csrf: csrfFor(ctx.config, sid),
    issuedAt: row.createdAt,
    account,
    idHash,
    mustEnrolTotp: settings.requireTotp && !account.totpEnabled,
  };
}

/** Ends a session on every instance (logout): its cookie is refused from the next request on. */
export async function endConsoleSession(ctx: SessionContext, session: ConsoleSession): Promise<void> {
  await ctx.repos.consoleSessions.deleteConsoleSession(session.idHash);
}

/** The Set-Cookie value for a new session, or (sealed null) for clearing it. */
export function sessionCookie(config: AppConfig, sealed: string | null): string {
  const secure = config.baseUrl.startsWith("https:") ? "; Secure" : "";
  const value = sealed ?? "";
  const age = sealed ? Math.floor(SESSION_TTL_MS / 1000) : 0;
  // SameSite=Strict: no other site can make the browser send this cookie, a first line against CSRF (the token is the second).
  return `${CONSOLE_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${age}${secure}`;
}

/** True when `token` (from the submitted form) is the session's CSRF token. */
export function csrfMatches(session: Pick<ConsoleSession, "csrf">, token: unknown): boolean {
  if (typeof token !== "string" || token.length === 0) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
