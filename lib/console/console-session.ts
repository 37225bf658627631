import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import type { AppConfig } from "@/lib/config";
import type { ConsoleUser } from "./console-config";

/**
 * The console operator's session: an iron-session seal in an HttpOnly, SameSite=Strict cookie scoped to /console.
 * It names the user, carries the CSRF token every action form sends back, and expires 8 hours after login whatever
 * happens. It also carries a tag of the user's password hash: changing the password in the config file (or
 * removing the user) ends their sessions at the next request.
 */
export const CONSOLE_COOKIE = "paydesk_console";
export const SESSION_TTL_MS = 8 * 3600_000;

const sessionSchema = z.object({
  user: z.string(),
  csrf: z.string().min(16),
  issuedAt: z.number().int(),
  pwTag: z.string(),
});
export type ConsoleSessionData = z.infer<typeof sessionSchema>;

export interface ConsoleSession extends ConsoleSessionData {
  account: ConsoleUser;
}

const pwTag = (user: ConsoleUser) => createHash("sha256").update(user.password_hash).digest("base64url").slice(0, 16);

export async function sealConsoleSession(
  config: AppConfig,
  user: ConsoleUser,
  now: number,
): Promise<{ sealed: string; data: ConsoleSessionData }> {
  const data: ConsoleSessionData = {
    user: user.name,
    csrf: randomBytes(24).toString("base64url"),
    issuedAt: now,
    pwTag: pwTag(user),
  };
  const sealed = await sealData(data, { password: config.sessionSecret, ttl: SESSION_TTL_MS / 1000 });
  return { sealed, data };
}

/** The session in `sealed`, or null when absent, forged, expired, or its user is gone or has a new password. */
export async function readConsoleSession(
  config: AppConfig,
  sealed: string | undefined,
  now: number,
): Promise<ConsoleSession | null> {
  if (!sealed) return null;
  let raw: unknown;
  try {
    raw = await unsealData<unknown>(sealed, { password: config.sessionSecret, ttl: SESSION_TTL_MS / 1000 });
  } catch {
    return null;
  }
  const parsed = sessionSchema.safeParse(raw);
  if (!parsed.success) return null;
  const s = parsed.data;
  if (now - s.issuedAt >= SESSION_TTL_MS || s.issuedAt > now + 60_000) return null;
  const account = config.consoleUsers.find((u) => u.name === s.user);
  if (!account || pwTag(account) !== s.pwTag) return null;
  return { ...s, account };
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
export function csrfMatches(session: ConsoleSessionData, token: unknown): boolean {
  if (typeof token !== "string" || token.length === 0) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
