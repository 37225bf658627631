import type { Kysely, Migration } from "kysely";
import type { Dialect } from "./migrations";

/**
 * Migration 011 (in its own file to keep migrations.ts short; listed there as "011_console_sessions").
 * Console sessions live in the database so that logout, a password change or a disabled user ends them on every
 * instance at once: the cookie carries only a sealed random id, the row is keyed by its SHA-256 (a database read
 * gives no usable cookie). Login failures are rows too, so the login throttle holds across instances.
 */
export function consoleSessionsMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("console_sessions")
        .addColumn("id_hash", "varchar(64)", (c) => c.primaryKey())
        .addColumn("user_name", "varchar(64)", (c) => c.notNull())
        .addColumn("pw_tag", "varchar(32)", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("console_sessions_user").on("console_sessions").column("user_name").execute();
      await db.schema.createIndex("console_sessions_expiry").on("console_sessions").column("expires_at").execute();
      const failures = db.schema.createTable("console_login_failures");
      await (
        dialect === "postgres"
          ? failures.addColumn("id", "bigserial", (c) => c.primaryKey())
          : failures.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      )
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("user_key", "varchar(64)", (c) => c.notNull())
        .addColumn("ip", "varchar(64)", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("console_login_failures_user")
        .on("console_login_failures")
        .columns(["user_key", "ip", "at"])
        .execute();
      await db.schema
        .createIndex("console_login_failures_ip")
        .on("console_login_failures")
        .columns(["ip", "at"])
        .execute();
      await db.schema.createIndex("console_login_failures_at").on("console_login_failures").column("at").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("console_login_failures").ifExists().execute();
      await db.schema.dropTable("console_sessions").ifExists().execute();
    },
  };
}
