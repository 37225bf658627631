import type { Generated, Kysely, Migration } from "kysely";
import type { Dialect } from "./migrations";

/**
 * Migration 017 (listed in migrations.ts as "017_settings"): the settings document in the database
 * (lib/config/settings-store.ts, docs/contract.md#settings-source).
 * - `settings_document`: one row (id 1): the whole document (the config file's keys, as JSON, validated by the file's
 *   own schema before it is written), its version, and who changed it when. Every save is a compare-and-swap on
 *   `version`, so of two concurrent saves the second is refused, never merged or half-applied.
 * - `settings_audit`: one row per committed change, written in the save's own transaction: who, when, the version it
 *   made, and the diff with every secret masked.
 */
export function settingsMigration(dialect: Dialect): Migration {
  const serialId = (db: Kysely<unknown>, table: string) =>
    dialect === "postgres"
      ? db.schema.createTable(table).addColumn("id", "bigserial", (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("settings_document")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("document", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("updated_by", "varchar(64)", (c) => c.notNull())
        .execute();
      await serialId(db, "settings_audit")
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("user_name", "varchar(64)", (c) => c.notNull())
        .addColumn("action", "varchar(32)", (c) => c.notNull())
        .addColumn("diff", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("settings_audit_version").on("settings_audit").column("version").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("settings_audit").ifExists().execute();
      await db.schema.dropTable("settings_document").ifExists().execute();
    },
  };
}

/** The settings row as stored (the document as JSON text); lib/storage/settings-repo.ts converts it. */
export interface SettingsDocumentTable {
  id: number;
  version: number;
  document: string;
  updated_at: number;
  updated_by: string;
}

/** One committed settings change (`diff`: JSON array of masked change lines). */
export interface SettingsAuditTable {
  id: Generated<number>;
  version: number;
  at: number;
  user_name: string;
  action: string;
  diff: string;
}
