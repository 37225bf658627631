import "server-only";
import type { Db } from "./database";
import type { ConsoleSessionRecord } from "./records";

/**
 * Who is signed in to the merchant console, and who failed to (migration 011). Both are rows, not process memory:
 * several instances share the database, so a logout on one ends the session on all of them, and a login throttle
 * counts the failures every instance saw.
 */

export async function insertConsoleSession(db: Db, session: ConsoleSessionRecord): Promise<void> {
  await db.insertInto("console_sessions").values(session).execute();
}

/** The live session stored under `idHash`, or undefined when there is none or it has expired. */
export async function findConsoleSession(
  db: Db,
  idHash: string,
  now: number,
): Promise<ConsoleSessionRecord | undefined> {
  const row = await db
    .selectFrom("console_sessions")
    .selectAll()
    .where("id_hash", "=", idHash)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return row && { ...row, created_at: Number(row.created_at), expires_at: Number(row.expires_at) };
}

/** Ends one session (logout). */
export async function deleteConsoleSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom("console_sessions").where("id_hash", "=", idHash).execute();
}

/**
 * Ends every session of one console user on every instance: for a password change or a disabled user (and
 * `npm run admin -- logout-user`). Returns how many were ended.
 */
export async function revokeUserSessions(db: Db, userName: string): Promise<number> {
  const result = await db.deleteFrom("console_sessions").where("user_name", "=", userName).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Drops sessions past their expiry (they are refused anyway; this keeps the table small). */
export async function deleteExpiredConsoleSessions(db: Db, now: number): Promise<void> {
  await db.deleteFrom("console_sessions").where("expires_at", "<=", now).execute();
}

/** The facts the login throttle decides on (lib/console/login-limiter.ts), newest first. */
export interface LoginFailureFacts {
  /** Failures of this name from this address since `pairSince` (at most `pairLimit` of them). */
  pair: number[];
  /** Failures from this address, any name, since `ipSince` (at most `ipLimit`). */
  ip: number[];
  /** How many failures this name had from every address since `userSince`. */
  userCount: number;
}

export async function loginFailureFacts(
  db: Db,
  q: {
    userKey: string;
    ip: string;
    pairSince: number;
    pairLimit: number;
    ipSince: number;
    ipLimit: number;
    userSince: number;
  },
): Promise<LoginFailureFacts> {
  const [pair, ip, user] = await Promise.all([
    db
      .selectFrom("console_login_failures")
      .select("at")
      .where("user_key", "=", q.userKey)
      .where("ip", "=", q.ip)
      .where("at", ">", q.pairSince)
      .orderBy("at", "desc")
      .limit(q.pairLimit)
      .execute(),
    db
      .selectFrom("console_login_failures")
      .select("at")
      .where("ip", "=", q.ip)
      .where("at", ">", q.ipSince)
      .orderBy("at", "desc")
      .limit(q.ipLimit)
      .execute(),
    db
      .selectFrom("console_login_failures")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_key", "=", q.userKey)
      .where("at", ">", q.userSince)
      .executeTakeFirst(),
  ]);
  return {
    pair: pair.map((r) => Number(r.at)),
    ip: ip.map((r) => Number(r.at)),
    userCount: Number(user?.n ?? 0),
  };
}

/** Records one failed login, and forgets failures older than `keepSince` (no throttle looks further back). */
export async function recordLoginFailure(
  db: Db,
  failure: { at: number; userKey: string; ip: string },
  keepSince: number,
): Promise<void> {
  await db.deleteFrom("console_login_failures").where("at", "<=", keepSince).execute();
  await db
    .insertInto("console_login_failures")
    .values({ at: failure.at, user_key: failure.userKey, ip: failure.ip })
    .execute();
}

/** After a good password: this address's failures for this name no longer count against it. */
export async function clearLoginFailures(db: Db, userKey: string, ip: string): Promise<void> {
  await db.deleteFrom("console_login_failures").where("user_key", "=", userKey).where("ip", "=", ip).execute();
}
