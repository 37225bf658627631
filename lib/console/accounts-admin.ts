import "server-only";
import type { AppContext } from "@/lib/context";
import {
  ACCOUNT_NAME_PATTERN,
  auditAccount,
  canManage,
  findAccount,
  generatePassword,
  isRole,
  listAccounts,
  MIN_PASSWORD_LENGTH,
  type AccountResult,
  type ConsoleAccount,
} from "./accounts";
import { hashPassword, verifyPassword } from "./password";
import { roleAtLeast, type ConsoleRole } from "./roles";

/**
 * What owners do on the users page (create, change, disable, delete, reset a password or a second factor, the
 * account settings) and what everyone does to their own password. Each checks `canManage` (lib/console/accounts.ts)
 * itself, under the role table's check of the request (lib/console/roles.ts), is version-checked where it
 * updates, ends the sessions it makes stale, and leaves an audit row.
 */

const describe = (role: ConsoleRole, merchants: "*" | readonly string[]) =>
  `role ${role}, merchants ${merchants === "*" ? "*" : merchants.join(",")}`;

/** An owner creates an account; the answer carries its first password (shown once, never stored in clear). */
export async function createAccount(
  ctx: AppContext,
  actor: ConsoleAccount,
  input: { name: string; role: string; merchants: "*" | string[] | null },
): Promise<AccountResult<{ password: string }>> {
  if (!ACCOUNT_NAME_PATTERN.test(input.name)) return { ok: false, error: "name_invalid" };
  if (!isRole(input.role)) return { ok: false, error: "role_invalid" };
  if (input.merchants === null) return { ok: false, error: "merchants_invalid" };
  if (!canManage(actor, input.merchants)) return { ok: false, error: "forbidden" };
  if (ctx.config.consoleUsers.some((u) => u.name.toLowerCase() === input.name.toLowerCase()))
    return { ok: false, error: "name_taken" };
  const existing = await ctx.repos.consoleUsers.listConsoleUsers();
  if (existing.some((u) => u.name.toLowerCase() === input.name.toLowerCase()))
    return { ok: false, error: "name_taken" };
  const password = generatePassword();
  const inserted = await ctx.repos.consoleUsers.insertConsoleUser({
    name: input.name,
    password_hash: await hashPassword(password),
    role: input.role,
    merchants: input.merchants,
    source: "console",
    now: ctx.now(),
  });
  if (!inserted) return { ok: false, error: "name_taken" };
  await auditAccount(ctx, actor.name, "user_create", `${input.name}: ${describe(input.role, input.merchants)}`);
  return { ok: true, password };
}

/** The target account, checked to be one `actor` may change from the console (not file-managed, in scope). */
async function manageable(
  ctx: AppContext,
  actor: ConsoleAccount,
  name: string,
  allowFile = false,
): Promise<AccountResult<{ target: ConsoleAccount }>> {
  const target = await findAccount(ctx, name);
  if (!target) return { ok: false, error: "not_found" };
  if (!canManage(actor, target.merchants)) return { ok: false, error: "forbidden" };
  if (target.source === "file" && !allowFile) return { ok: false, error: "file_managed" };
  return { ok: true, target };
}

/** Would the accounts left, after `change`, still include an enabled owner of every merchant? */
async function keepsAnOwner(ctx: AppContext, name: string, after: { role: ConsoleRole; disabled: boolean } | null) {
  const all = await listAccounts(ctx);
  return all.some((a) => {
    if (a.name === name) return after !== null && after.role === "owner" && !after.disabled && a.merchants === "*";
    return a.role === "owner" && !a.disabled && a.merchants === "*";
  });
}

export async function updateAccount(
  ctx: AppContext,
  actor: ConsoleAccount,
  input: { name: string; version: number; role: string; merchants: "*" | string[] | null; disabled: boolean },
): Promise<AccountResult> {
  const m = await manageable(ctx, actor, input.name);
  if (!m.ok) return m;
  if (!isRole(input.role)) return { ok: false, error: "role_invalid" };
  if (input.merchants === null) return { ok: false, error: "merchants_invalid" };
  if (!canManage(actor, input.merchants)) return { ok: false, error: "forbidden" };
  if (input.name === actor.name && (input.role !== actor.role || input.disabled)) return { ok: false, error: "self" };
  if (!(await keepsAnOwner(ctx, input.name, { role: input.role, disabled: input.disabled })))
    return { ok: false, error: "last_owner" };
  const ok = await ctx.repos.consoleUsers.updateConsoleUser(
    input.name,
    input.version,
    { role: input.role, merchants: input.merchants, disabled: input.disabled },
    ctx.now(),
  );
  if (!ok) return { ok: false, error: "version_conflict" };
  // A disabled account, or one whose rights shrank, starts again from the login page everywhere.
  await ctx.repos.consoleUsers.endUserSessionsExcept(input.name, null);
  await auditAccount(
    ctx,
    actor.name,
    "user_update",
    `${input.name}: ${describe(input.role, input.merchants)}${input.disabled ? ", disabled" : ""}`,
  );
  return { ok: true };
}

export async function deleteAccount(ctx: AppContext, actor: ConsoleAccount, name: string): Promise<AccountResult> {
  const m = await manageable(ctx, actor, name);
  if (!m.ok) return m;
  if (name === actor.name) return { ok: false, error: "self" };
  if (!(await keepsAnOwner(ctx, name, null))) return { ok: false, error: "last_owner" };
  await ctx.repos.consoleUsers.deleteConsoleUser(name);
  await ctx.repos.consoleUsers.endUserSessionsExcept(name, null);
  await auditAccount(ctx, actor.name, "user_delete", name);
  return { ok: true };
}

/** An owner takes away an account's second factor (a lost phone and no recovery codes); it may enrol again. */
export async function resetAccountTotp(ctx: AppContext, actor: ConsoleAccount, name: string): Promise<AccountResult> {
  const m = await manageable(ctx, actor, name, true);
  if (!m.ok) return m;
  const ok = await ctx.repos.consoleUsers.updateConsoleUser(
    name,
    m.target.version,
    { totpSecret: null, totpPending: null, totpLastStep: null, recoveryCodes: [] },
    ctx.now(),
  );
  if (!ok) return { ok: false, error: "version_conflict" };
  await ctx.repos.consoleUsers.endUserSessionsExcept(name, null);
  await auditAccount(ctx, actor.name, "user_reset_totp", name);
  return { ok: true };
}

/** An owner gives an account a new generated password (shown once); its sessions end. */
export async function resetAccountPassword(
  ctx: AppContext,
  actor: ConsoleAccount,
  name: string,
): Promise<AccountResult<{ password: string }>> {
  const m = await manageable(ctx, actor, name);
  if (!m.ok) return m;
  const password = generatePassword();
  const ok = await ctx.repos.consoleUsers.updateConsoleUser(
    name,
    m.target.version,
    { password_hash: await hashPassword(password) },
    ctx.now(),
  );
  if (!ok) return { ok: false, error: "version_conflict" };
  await ctx.repos.consoleUsers.endUserSessionsExcept(name, null);
  await auditAccount(ctx, actor.name, "user_reset_password", name);
  return { ok: true, password };
}

/** Anyone changes their own password (not a file account's: the file holds its hash). Every session ends. */
export async function changeOwnPassword(
  ctx: AppContext,
  account: ConsoleAccount,
  input: { current: string; next: string; repeat: string },
): Promise<AccountResult> {
  if (account.source === "file") return { ok: false, error: "file_managed" };
  if (!(await verifyPassword(input.current, account.password_hash))) return { ok: false, error: "password_wrong" };
  if (input.next.length < MIN_PASSWORD_LENGTH) return { ok: false, error: "password_short" };
  if (input.next !== input.repeat) return { ok: false, error: "password_mismatch" };
  const ok = await ctx.repos.consoleUsers.updateConsoleUser(
    account.name,
    account.version,
    { password_hash: await hashPassword(input.next) },
    ctx.now(),
  );
  if (!ok) return { ok: false, error: "version_conflict" };
  await ctx.repos.consoleUsers.endUserSessionsExcept(account.name, null);
  await auditAccount(ctx, account.name, "password_change", "every session ended");
  return { ok: true };
}

export async function saveAccountSettings(
  ctx: AppContext,
  actor: ConsoleAccount,
  input: { idleTimeoutMin: number; requireTotp: boolean; version: number },
): Promise<AccountResult> {
  if (!roleAtLeast(actor.role, "owner") || actor.merchants !== "*") return { ok: false, error: "forbidden" };
  if (!Number.isSafeInteger(input.idleTimeoutMin) || input.idleTimeoutMin < 5 || input.idleTimeoutMin > 480)
    return { ok: false, error: "role_invalid" };
  const ok = await ctx.repos.consoleUsers.saveConsoleAccountSettings(
    { idleTimeoutMin: input.idleTimeoutMin, requireTotp: input.requireTotp },
    input.version,
    ctx.now(),
  );
  if (!ok) return { ok: false, error: "version_conflict" };
  await auditAccount(
    ctx,
    actor.name,
    "account_settings",
    `idle ${input.idleTimeoutMin} min, require TOTP ${input.requireTotp}`,
  );
  return { ok: true };
}
