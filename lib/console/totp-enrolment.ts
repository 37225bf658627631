import "server-only";
import type { AppContext } from "@/lib/context";
import { auditAccount, type AccountError, type ConsoleAccount } from "./accounts";
import { verifyPassword } from "./password";
import { newRecoveryCodes, newTotpSecret, totpUri, verifyTotp } from "./totp";

/**
 * One's own second factor: begin (a new secret is kept as pending and shown), confirm with a code from the app
 * (then it is the account's, with fresh recovery codes shown once), or turn it off with the password (refused
 * while the owner requires TOTP). An owner resets someone else's in lib/console/accounts.ts.
 */
export const TOTP_ISSUER = "Paydesk";

export type TotpError = AccountError | "code" | "totp_required";

export async function beginTotp(
  ctx: AppContext,
  account: ConsoleAccount,
): Promise<{ ok: true; secret: string; uri: string } | { ok: false; error: TotpError }> {
  const secret = newTotpSecret();
  const ok = await ctx.repos.consoleUsers.updateConsoleUser(
    account.name,
    account.version,
    { totpPending: secret },
    ctx.now(),
  );
  if (!ok) return { ok: false, error: "version_conflict" };
  return { ok: true, secret, uri: totpUri(TOTP_ISSUER, account.name, secret) };
}

export async function confirmTotp(
  ctx: AppContext,
  account: ConsoleAccount,
  code: string,
  keepSession: string,
): Promise<{ ok: true; codes: string[] } | { ok: false; error: TotpError }> {
  const pending = account.record.totpPending;
  if (!pending) return { ok: false, error: "code" };
  const step = await verifyTotp(pending, code, ctx.now(), null);
  if (step === null) return { ok: false, error: "code" };
  const { codes, hashes } = newRecoveryCodes();
  const ok = await ctx.repos.consoleUsers.updateConsoleUser(
    account.name,
    account.version,
    { totpSecret: pending, totpPending: null, totpLastStep: step, recoveryCodes: hashes },
    ctx.now(),
  );
  if (!ok) return { ok: false, error: "version_conflict" };
  // Whoever else holds a session of this account signed in without the new factor: they sign in again.
  await ctx.repos.consoleUsers.endUserSessionsExcept(account.name, keepSession);
  await auditAccount(ctx, account.name, "totp_enable", "two-step verification turned on");
  return { ok: true, codes };
}

export async function disableTotp(
  ctx: AppContext,
  account: ConsoleAccount,
  password: string,
): Promise<{ ok: true } | { ok: false; error: TotpError }> {
  if ((await ctx.repos.consoleUsers.consoleAccountSettings()).requireTotp) return { ok: false, error: "totp_required" };
  if (!(await verifyPassword(password, account.password_hash))) return { ok: false, error: "password_wrong" };
  const ok = await ctx.repos.consoleUsers.updateConsoleUser(
    account.name,
    account.version,
    { totpSecret: null, totpPending: null, totpLastStep: null, recoveryCodes: [] },
    ctx.now(),
  );
  if (!ok) return { ok: false, error: "version_conflict" };
  await auditAccount(ctx, account.name, "totp_disable", "two-step verification turned off");
  return { ok: true };
}
