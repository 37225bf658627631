import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { AppContext } from "@/lib/context";
import { ACCOUNT_NAME_PATTERN, anyAccountExists, MIN_PASSWORD_LENGTH } from "./accounts";
import { hashPassword } from "./password";

/**
 * First run: while no console account exists (none in the config file, no row), each start stores a fresh setup
 * token (only its SHA-256; the newest replaces earlier ones) and prints a link with it. `/console/setup?token=…`
 * creates the first owner (every merchant) once: the token is used up in the same transaction that inserts the
 * account, by a guarded update exactly one caller wins, and setup is refused as soon as any account exists.
 */
export const SETUP_TOKEN_TTL_MS = 30 * 60_000;

type SetupContext = Pick<AppContext, "config" | "repos" | "now" | "withTransaction">;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A new one-time setup link, or null when an account exists already. */
export async function createSetupLink(ctx: SetupContext): Promise<string | null> {
  if (await anyAccountExists(ctx)) return null;
  const token = randomBytes(32).toString("base64url");
  const now = ctx.now();
  await ctx.repos.consoleUsers.replaceSetupToken({
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: now + SETUP_TOKEN_TTL_MS,
  });
  return new URL(`/console/setup?token=${token}`, ctx.config.baseUrl).toString();
}

/** Whether the setup page should offer its form for this token. */
export async function setupTokenValid(ctx: SetupContext, token: string): Promise<boolean> {
  if (!token || token.length > 128 || (await anyAccountExists(ctx))) return false;
  return ctx.repos.consoleUsers.setupTokenUsable(hashToken(token), ctx.now());
}

export type SetupResult =
  { ok: true; name: string } | { ok: false; error: "token" | "name_invalid" | "password_short" | "password_mismatch" };

class SetupRefused extends Error {}

export async function completeSetup(
  ctx: SetupContext,
  input: { token: string; name: string; password: string; repeat: string },
): Promise<SetupResult> {
  if (!ACCOUNT_NAME_PATTERN.test(input.name)) return { ok: false, error: "name_invalid" };
  if (input.password.length < MIN_PASSWORD_LENGTH) return { ok: false, error: "password_short" };
  if (input.password !== input.repeat) return { ok: false, error: "password_mismatch" };
  if (!input.token || input.token.length > 128 || ctx.config.consoleUsers.length > 0)
    return { ok: false, error: "token" };
  const passwordHash = await hashPassword(input.password);
  const now = ctx.now();
  try {
    await ctx.withTransaction(async (repos) => {
      if (!(await repos.consoleUsers.consumeSetupToken(hashToken(input.token), now))) throw new SetupRefused();
      if ((await repos.consoleUsers.countConsoleUsers()) > 0) throw new SetupRefused();
      const added = await repos.consoleUsers.insertConsoleUser({
        name: input.name,
        password_hash: passwordHash,
        role: "owner",
        merchants: "*",
        source: "console",
        now,
      });
      if (!added) throw new SetupRefused();
      await repos.consoleAudit.insertAuditEntry({
        at: now,
        user_name: input.name,
        action: "setup",
        appkey: null,
        order_id: null,
        payment_id: null,
        reason: null,
        detail: "first owner created with the setup link",
      });
    });
  } catch (err) {
    if (err instanceof SetupRefused) return { ok: false, error: "token" };
    throw err;
  }
  return { ok: true, name: input.name };
}
