import "server-only";
import type { Db } from "./database";
import {
  DEFAULT_ACCOUNT_SETTINGS,
  consoleUserFromRow as toRecord,
  type ConsoleAccountSettings,
  type ConsoleRole,
  type ConsoleUserRecord,
  type ConsoleUserSource,
  type UserSessionRecord,
} from "./migration-016-console-users";

/**
 * Console accounts (migration 016): who may sign in, with which role and merchants, their TOTP second factor and
 * hashed recovery codes; the first-run setup token; the account settings; and each user's sessions for the
 * "your sessions" list. Rows are converted here: booleans, JSON lists and role strings never leave lib/storage raw.
 */

const merchantsText = (m: "*" | readonly string[]) => (m === "*" ? "*" : JSON.stringify([...m]));

export interface NewConsoleUser {
  name: string;
  password_hash: string;
  role: ConsoleRole;
  merchants: "*" | string[];
  source: ConsoleUserSource;
  now: number;
}

function newRow(u: NewConsoleUser) {
  return {
    name: u.name,
    password_hash: u.password_hash,
    role: u.role,
    merchants: merchantsText(u.merchants),
    source: u.source,
    disabled: 0,
    totp_secret: null,
    totp_pending: null,
    totp_last_step: null,
    recovery_codes: "[]",
    created_at: u.now,
    updated_at: u.now,
    version: 1,
  };
}

export async function countConsoleUsers(db: Db): Promise<number> {
  const r = await db
    .selectFrom("console_users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function findConsoleUser(db: Db, name: string): Promise<ConsoleUserRecord | undefined> {
  const row = await db.selectFrom("console_users").selectAll().where("name", "=", name).executeTakeFirst();
  return row && toRecord(row);
}

export async function listConsoleUsers(db: Db): Promise<ConsoleUserRecord[]> {
  const rows = await db.selectFrom("console_users").selectAll().orderBy("name").execute();
  return rows.map(toRecord);
}

/** Adds an account; false when the name is taken (by another instance too: the primary key decides). */
export async function insertConsoleUser(db: Db, user: NewConsoleUser): Promise<boolean> {
  const r = await db
    .insertInto("console_users")
    .values(newRow(user))
    .onConflict((oc) => oc.column("name").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export interface ConsoleUserPatch {
  password_hash?: string;
  role?: ConsoleRole;
  merchants?: "*" | string[];
  source?: ConsoleUserSource;
  disabled?: boolean;
  totpSecret?: string | null;
  totpPending?: string | null;
  totpLastStep?: number | null;
  recoveryCodes?: string[];
}

/**
 * Changes an account if it is still at `expectedVersion` (and bumps it): false when someone else saved first or the
 * account is gone, so a stale form never overwrites a newer change.
 */
export async function updateConsoleUser(
  db: Db,
  name: string,
  expectedVersion: number,
  patch: ConsoleUserPatch,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable("console_users")
    .set((eb) => ({
      ...(patch.password_hash !== undefined && { password_hash: patch.password_hash }),
      ...(patch.role !== undefined && { role: patch.role }),
      ...(patch.merchants !== undefined && { merchants: merchantsText(patch.merchants) }),
      ...(patch.source !== undefined && { source: patch.source }),
      ...(patch.disabled !== undefined && { disabled: patch.disabled ? 1 : 0 }),
      ...(patch.totpSecret !== undefined && { totp_secret: patch.totpSecret }),
      ...(patch.totpPending !== undefined && { totp_pending: patch.totpPending }),
      ...(patch.totpLastStep !== undefined && { totp_last_step: patch.totpLastStep }),
      ...(patch.recoveryCodes !== undefined && { recovery_codes: JSON.stringify(patch.recoveryCodes) }),
      updated_at: now,
      version: eb("version", "+", 1),
    }))
    .where("name", "=", name)
    .where("version", "=", expectedVersion)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteConsoleUser(db: Db, name: string): Promise<boolean> {
  const r = await db.deleteFrom("console_users").where("name", "=", name).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function consoleAccountSettings(db: Db): Promise<ConsoleAccountSettings> {
  const row = await db.selectFrom("console_account_settings").selectAll().where("id", "=", 1).executeTakeFirst();
  if (!row) return DEFAULT_ACCOUNT_SETTINGS;
  return {
    idleTimeoutMin: Number(row.idle_timeout_min),
    requireTotp: Number(row.require_totp) === 1,
    version: Number(row.version),
  };
}

/** Saves the settings if they are still at `expectedVersion` (0: never saved); false when someone saved first. */
export async function saveConsoleAccountSettings(
  db: Db,
  settings: { idleTimeoutMin: number; requireTotp: boolean },
  expectedVersion: number,
  now: number,
): Promise<boolean> {
  const values = {
    idle_timeout_min: settings.idleTimeoutMin,
    require_totp: settings.requireTotp ? 1 : 0,
    updated_at: now,
  };
  if (expectedVersion === 0) {
    const r = await db
      .insertInto("console_account_settings")
      .values({ id: 1, ...values, version: 1 })
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const r = await db
    .updateTable("console_account_settings")
    .set((eb) => ({ ...values, version: eb("version", "+", 1) }))
    .where("id", "=", 1)
    .where("version", "=", expectedVersion)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Stores a new setup token (its hash) and drops every earlier unused one: only the newest link works. */
export async function replaceSetupToken(
  db: Db,
  token: { tokenHash: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await db.deleteFrom("console_setup_tokens").where("used_at", "is", null).execute();
  await db
    .insertInto("console_setup_tokens")
    .values({ token_hash: token.tokenHash, created_at: token.createdAt, expires_at: token.expiresAt, used_at: null })
    .execute();
}

/** True when the token is unused and not expired (the setup page's form is shown). */
export async function setupTokenUsable(db: Db, tokenHash: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom("console_setup_tokens")
    .select("token_hash")
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return row !== undefined;
}

/** Uses the token up: true for exactly one caller, however many race (a guarded update). */
export async function consumeSetupToken(db: Db, tokenHash: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable("console_setup_tokens")
    .set({ used_at: now })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** One user's live sessions, newest first. */
export async function listUserSessions(db: Db, userName: string, now: number): Promise<UserSessionRecord[]> {
  const rows = await db
    .selectFrom("console_sessions")
    .select(["id_hash", "created_at", "last_seen_at", "client_ip", "user_agent"])
    .where("user_name", "=", userName)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .execute();
  return rows.map((r) => ({
    idHash: r.id_hash,
    createdAt: Number(r.created_at),
    lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
    clientIp: r.client_ip,
    userAgent: r.user_agent,
  }));
}

/** Records that a session was used now (the idle timeout counts from here), and from where when given. */
export async function touchConsoleSession(
  db: Db,
  idHash: string,
  now: number,
  from?: { clientIp: string; userAgent: string },
): Promise<void> {
  await db
    .updateTable("console_sessions")
    .set({
      last_seen_at: now,
      ...(from && { client_ip: from.clientIp.slice(0, 64), user_agent: from.userAgent.slice(0, 200) }),
    })
    .where("id_hash", "=", idHash)
    .execute();
}

/** "Sign out everywhere": ends every session of the user but `keepIdHash` (null: all of them). Returns how many. */
export async function endUserSessionsExcept(db: Db, userName: string, keepIdHash: string | null): Promise<number> {
  let q = db.deleteFrom("console_sessions").where("user_name", "=", userName);
  if (keepIdHash !== null) q = q.where("id_hash", "!=", keepIdHash);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A live session with its last use (the idle timeout), or undefined when there is none or it has expired. */
export async function findLiveConsoleSession(
  db: Db,
  idHash: string,
  now: number,
): Promise<{ userName: string; pwTag: string; createdAt: number; lastSeenAt: number | null } | undefined> {
  const row = await db
    .selectFrom("console_sessions")
    .select(["user_name", "pw_tag", "created_at", "last_seen_at"])
    .where("id_hash", "=", idHash)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return (
    row && {
      userName: row.user_name,
      pwTag: row.pw_tag,
      createdAt: Number(row.created_at),
      lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
    }
  );
}
