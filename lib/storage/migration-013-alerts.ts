import type { Kysely, Migration } from "kysely";
import type { Dialect } from "./migrations";

/**
 * Migration 013 (listed in migrations.ts as "013_alerts"): operator alerts and the notification doctor.
 * - `notification_attempts.doctor_class`: why a failed attempt failed (lib/merchant-notify/doctor.ts).
 * - `alert_conditions`: one row per condition (`notify:<appkey>`, `monitor:<channel>` …) that is raised or clear, so
 *   each condition alerts once until it clears, then once "recovered" — on every instance alike.
 * - `alerts`: what was said (the console's alert history).
 * - `alert_deliveries`: the durable outbox, one row per alert and sink, with its own retries and leases (never the
 *   shop-notification outbox: a sink that is down never delays a shop).
 */
export function alertsMigration(dialect: Dialect): Migration {
  const serialId = (db: Kysely<unknown>, table: string) =>
    dialect === "postgres"
      ? db.schema.createTable(table).addColumn("id", "bigserial", (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("notification_attempts").addColumn("doctor_class", "varchar(48)").execute();
      await db.schema
        .createTable("alert_conditions")
        .addColumn("condition", "varchar(128)", (c) => c.primaryKey())
        .addColumn("active", "integer", (c) => c.notNull())
        .addColumn("severity", "varchar(16)", (c) => c.notNull())
        .addColumn("raised_at", "bigint", (c) => c.notNull())
        .addColumn("cleared_at", "bigint")
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await serialId(db, "alerts")
        .addColumn("condition", "varchar(128)")
        .addColumn("kind", "varchar(16)", (c) => c.notNull())
        .addColumn("severity", "varchar(16)", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("alerts_created_at").on("alerts").column("created_at").execute();
      await serialId(db, "alert_deliveries")
        .addColumn("alert_id", "bigint", (c) => c.notNull())
        .addColumn("sink_id", "varchar(64)", (c) => c.notNull())
        .addColumn("status", "varchar(16)", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
        .addColumn("lease_until", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("lease_owner", "varchar(64)")
        .addColumn("last_answer", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("delivered_at", "bigint")
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("alert_deliveries_due")
        .on("alert_deliveries")
        .columns(["status", "next_attempt_at"])
        .execute();
      await db.schema
        .createIndex("alert_deliveries_sink_sent")
        .on("alert_deliveries")
        .columns(["sink_id", "delivered_at"])
        .execute();
      await db.schema.createIndex("alert_deliveries_alert").on("alert_deliveries").column("alert_id").execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ["alert_deliveries", "alerts", "alert_conditions"])
        await db.schema.dropTable(t).ifExists().execute();
      await db.schema.alterTable("notification_attempts").dropColumn("doctor_class").execute();
    },
  };
}
