import "server-only";
import { randomBytes } from "node:crypto";
import type { AppContext } from "@/lib/context";
import type { ConsoleUserRecord } from "@/lib/storage/migration-016-console-users";
import type { ConsoleAction } from "@/lib/storage/records";
import type { ConsoleUser } from "./console-config";
import { roleAtLeast, type ConsoleRole } from "./roles";

/**
 * Console accounts (rows of `console_users`, migration 016). The rule for the config file's `console.users`
 * (docs/console.md): an account named there is managed by the file. Its password hash, merchants and role are read
 * from the file on every request (so editing the file and restarting changes them, as before), and it is imported
 * as a row on first start (or first use) so its second factor, sessions and disabled flag have a home; the console
 * shows it read-only apart from TOTP. Taken out of the file, it can no longer sign in. Every other account is
 * created in the console (or by first-run setup) and lives in the database only.
 */

export interface ConsoleAccount {
  name: string;
  password_hash: string;
  merchants: "*" | string[];
  role: ConsoleRole;
  source: "file" | "console";
  disabled: boolean;
  totpEnabled: boolean;
  version: number;
  record: ConsoleUserRecord;
}

type AccountContext = Pick<AppContext, "config" | "repos" | "now">;

export const ACCOUNT_NAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 10;

const fileRole = (u: ConsoleUser): ConsoleRole => u.role ?? "owner";

function merge(record: ConsoleUserRecord, file: ConsoleUser | undefined): ConsoleAccount {
  return {
    name: record.name,
    password_hash: file?.password_hash ?? record.password_hash,
    merchants: file?.merchants ?? record.merchants,
    role: file ? fileRole(file) : record.role,
    source: file ? "file" : "console",
    disabled: record.disabled,
    totpEnabled: record.totpSecret !== null,
    version: record.version,
    record,
  };
}

/** Gives every file account a row (idempotent, safe on several instances at once: the name is the key). */
export async function importFileUsers(ctx: AccountContext): Promise<number> {
  let added = 0;
  for (const u of ctx.config.consoleUsers) {
    const ok = await ctx.repos.consoleUsers.insertConsoleUser({
      name: u.name,
      password_hash: u.password_hash,
      role: fileRole(u),
      merchants: u.merchants,
      source: "file",
      now: ctx.now(),
    });
    if (ok) added++;
  }
  return added;
}

/**
 * The account named `name` as it stands now, or null: unknown, or a file account no longer in the file. A disabled
 * account is returned (with `disabled`), so callers say why it is refused.
 */
export async function findAccount(ctx: AccountContext, name: string): Promise<ConsoleAccount | null> {
  const file = ctx.config.consoleUsers.find((u) => u.name === name);
  let record = await ctx.repos.consoleUsers.findConsoleUser(name);
  if (!record && file) {
    await importFileUsers(ctx);
    record = await ctx.repos.consoleUsers.findConsoleUser(name);
  }
  if (!record) return null;
  if (record.source === "file" && !file) return null;
  return merge(record, file);
}

export async function listAccounts(ctx: AccountContext): Promise<ConsoleAccount[]> {
  await importFileUsers(ctx);
  const rows = await ctx.repos.consoleUsers.listConsoleUsers();
  const out: ConsoleAccount[] = [];
  for (const r of rows) {
    const file = ctx.config.consoleUsers.find((u) => u.name === r.name);
    if (r.source === "file" && !file) continue;
    out.push(merge(r, file));
  }
  return out;
}

/** True when anyone can sign in: a file account, or a row. First-run setup is offered only while this is false. */
export async function anyAccountExists(ctx: AccountContext): Promise<boolean> {
  return ctx.config.consoleUsers.length > 0 || (await ctx.repos.consoleUsers.countConsoleUsers()) > 0;
}

/** A first password for an account an owner creates: 16 characters from 96 random bits, shown once. */
export function generatePassword(): string {
  return randomBytes(12).toString("base64url");
}

/**
 * Whether `actor` may manage `target`: owners only, and a scoped owner only accounts wholly within their own
 * merchants (they cannot hand out or take away what they cannot see).
 */
export function canManage(
  actor: Pick<ConsoleAccount, "role" | "merchants">,
  targetMerchants: "*" | readonly string[],
): boolean {
  if (!roleAtLeast(actor.role, "owner")) return false;
  if (actor.merchants === "*") return true;
  if (targetMerchants === "*") return false;
  const mine = new Set(actor.merchants);
  return targetMerchants.every((k) => mine.has(k));
}

export type AccountError =
  | "forbidden"
  | "name_invalid"
  | "name_taken"
  | "merchants_invalid"
  | "role_invalid"
  | "not_found"
  | "file_managed"
  | "version_conflict"
  | "last_owner"
  | "self"
  | "password_wrong"
  | "password_short"
  | "password_mismatch";

export type AccountResult<T = object> = ({ ok: true } & T) | { ok: false; error: AccountError };

export async function auditAccount(
  ctx: Pick<AppContext, "repos" | "now">,
  actor: string,
  action: ConsoleAction,
  detail: string,
) {
  await ctx.repos.consoleAudit.insertAuditEntry({
    at: ctx.now(),
    user_name: actor,
    action,
    appkey: null,
    order_id: null,
    payment_id: null,
    reason: null,
    detail,
  });
}

/** Parses a merchants field (`*`, or appkeys) against the configured merchants. */
export function parseMerchants(ctx: Pick<AppContext, "config">, values: readonly string[]): "*" | string[] | null {
  const picked = [...new Set(values.map((v) => v.trim()).filter(Boolean))];
  if (picked.includes("*")) return "*";
  if (picked.length === 0) return null;
  const known = new Set(ctx.config.merchants.map((m) => m.appkey));
  return picked.every((k) => known.has(k)) ? picked : null;
}

export function isRole(r: string): r is ConsoleRole {
  return r === "owner" || r === "operator" || r === "viewer";
}
