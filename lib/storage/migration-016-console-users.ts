import type { Generated, Kysely, Migration } from "kysely";

/**
 * Migration 016 (listed in migrations.ts as "016_console_users"): console accounts live in the database, so owners
 * manage them from the console and every instance sees a change at its next request.
 * - `console_users`: one row per account. `merchants` is `"*"` or a JSON array of appkeys; `source` says whether the
 *   config file manages the account (its hash, merchants and role are the file's; docs/console.md) or the console
 *   does. The TOTP secret is stored as given to the authenticator app; recovery codes only as SHA-256 hashes.
 *   `version` guards every update (two owners editing one account: the second save is refused).
 * - `console_setup_tokens`: the first-run setup link's token, stored as its SHA-256, single use, 30 minutes.
 * - `console_account_settings`: one row (id 1): idle timeout and "every account needs TOTP".
 * - `console_sessions` gains when it was last used (idle timeout) and from where (the "your sessions" list).
 */
export function consoleUsersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("console_users")
        .addColumn("name", "varchar(64)", (c) => c.primaryKey())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("role", "varchar(16)", (c) => c.notNull())
        .addColumn("merchants", "text", (c) => c.notNull())
        .addColumn("source", "varchar(8)", (c) => c.notNull())
        .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("totp_secret", "varchar(64)")
        .addColumn("totp_pending", "varchar(64)")
        .addColumn("totp_last_step", "bigint")
        .addColumn("recovery_codes", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable("console_setup_tokens")
        .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("used_at", "bigint")
        .execute();
      await db.schema
        .createTable("console_account_settings")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("idle_timeout_min", "integer", (c) => c.notNull())
        .addColumn("require_totp", "integer", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .execute();
      await db.schema.alterTable("console_sessions").addColumn("last_seen_at", "bigint").execute();
      await db.schema.alterTable("console_sessions").addColumn("client_ip", "varchar(64)").execute();
      await db.schema.alterTable("console_sessions").addColumn("user_agent", "varchar(200)").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable("console_sessions").dropColumn("user_agent").execute();
      await db.schema.alterTable("console_sessions").dropColumn("client_ip").execute();
      await db.schema.alterTable("console_sessions").dropColumn("last_seen_at").execute();
      await db.schema.dropTable("console_account_settings").ifExists().execute();
      await db.schema.dropTable("console_setup_tokens").ifExists().execute();
      await db.schema.dropTable("console_users").ifExists().execute();
    },
  };
}

/** Rows as stored (0/1 integers, JSON text); lib/storage/console-users-repo.ts converts them at its boundary. */
export interface ConsoleUsersTable {
  name: string;
  password_hash: string;
  role: string;
  merchants: string;
  source: string;
  disabled: number;
  totp_secret: string | null;
  totp_pending: string | null;
  totp_last_step: number | null;
  recovery_codes: string;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface ConsoleSetupTokensTable {
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ConsoleAccountSettingsTable {
  id: number;
  idle_timeout_min: number;
  require_totp: number;
  updated_at: number;
  version: number;
}

/** The columns migration 016 adds to `console_sessions` (absent on insert: filled by the first request). */
export interface ConsoleSessionActivityColumns {
  last_seen_at: Generated<number | null>;
  client_ip: Generated<string | null>;
  user_agent: Generated<string | null>;
}

/** The records lib/storage/console-users-repo.ts returns. */
export type ConsoleRole = "owner" | "operator" | "viewer";
export const CONSOLE_ROLES: readonly ConsoleRole[] = ["owner", "operator", "viewer"];
/** Who manages an account: the config file (its hash, merchants and role are the file's) or the console. */
export type ConsoleUserSource = "file" | "console";

export interface ConsoleUserRecord {
  name: string;
  password_hash: string;
  role: ConsoleRole;
  /** `"*"`: every merchant; else the appkeys this user may see. */
  merchants: "*" | string[];
  source: ConsoleUserSource;
  disabled: boolean;
  /** The base32 TOTP secret once enrolled; null without a second factor. */
  totpSecret: string | null;
  /** A secret being enrolled (shown to the user, not yet confirmed with a code). */
  totpPending: string | null;
  /** The last TOTP time step accepted: a code is good once (replay protection). */
  totpLastStep: number | null;
  /** SHA-256 (hex) of each unused recovery code. */
  recoveryCodes: string[];
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface ConsoleAccountSettings {
  /** Minutes a session may sit unused before it ends. */
  idleTimeoutMin: number;
  /** Every account must have TOTP: one without is sent to enrol before anything else. */
  requireTotp: boolean;
  /** 0 while nothing was saved (the defaults). */
  version: number;
}

export const DEFAULT_ACCOUNT_SETTINGS: ConsoleAccountSettings = { idleTimeoutMin: 30, requireTotp: false, version: 0 };

export interface UserSessionRecord {
  idHash: string;
  createdAt: number;
  lastSeenAt: number | null;
  clientIp: string | null;
  userAgent: string | null;
}

/** A `console_users` row as a driver returns it (PostgreSQL gives bigint columns as strings). */
type Row = {
  name: string;
  password_hash: string;
  role: string;
  merchants: string;
  source: string;
  disabled: number;
  totp_secret: string | null;
  totp_pending: string | null;
  totp_last_step: number | string | null;
  recovery_codes: string;
  created_at: number | string;
  updated_at: number | string;
  version: number;
};

const asRole = (r: string): ConsoleRole =>
  (CONSOLE_ROLES as readonly string[]).includes(r) ? (r as ConsoleRole) : "viewer";

function parseList(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** The record a row stands for: booleans, the merchants list, the role union. */
export function consoleUserFromRow(row: Row): ConsoleUserRecord {
  return {
    name: row.name,
    password_hash: row.password_hash,
    role: asRole(row.role),
    merchants: row.merchants === "*" ? "*" : parseList(row.merchants),
    source: row.source === "file" ? "file" : "console",
    disabled: Number(row.disabled) === 1,
    totpSecret: row.totp_secret,
    totpPending: row.totp_pending,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    recoveryCodes: parseList(row.recovery_codes),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: Number(row.version),
  };
}
