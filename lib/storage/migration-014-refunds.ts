import type { Kysely, Migration } from "kysely";
import type { Dialect } from "./migrations";

/**
 * Migration 014 (listed in migrations.ts as "014_refunds"): refunds of paid orders (issue 21).
 * One row per refund, unique by (order_id, refund_no): the merchant's refund number (or Paydesk's) names a refund
 * exactly once, so a repeated or concurrent request with the same number finds the row instead of refunding twice.
 * The row is also the refund's audit trail: who asked (`actor`), why (`reason`, `note`), what the provider said
 * (`provider_refund_id`, `failure`) and when (`created_at`, `updated_at`).
 *
 * `refund_totals` holds one row per refunded order: what was paid and what the holding refunds (requested, succeeded,
 * recorded) add up to. A refund reserves its amount with one guarded UPDATE of that row
 * (`refunded_fen + amount <= paid_fen`), which serialises the refunds of one order on both databases (PostgreSQL
 * re-checks the guard on the locked row; SQLite's first write takes the write lock) without a read-then-write race.
 */
export function refundsMigration(dialect: Dialect): Migration {
  const serialId = (db: Kysely<unknown>, table: string) =>
    dialect === "postgres"
      ? db.schema.createTable(table).addColumn("id", "bigserial", (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>) {
      await serialId(db, "refunds")
        .addColumn("order_id", "varchar(32)", (c) => c.notNull())
        .addColumn("appkey", "varchar(64)", (c) => c.notNull())
        .addColumn("channel_id", "varchar(64)", (c) => c.notNull())
        .addColumn("refund_no", "varchar(64)", (c) => c.notNull())
        .addColumn("amount_fen", "bigint", (c) => c.notNull())
        .addColumn("status", "varchar(16)", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("note", "text", (c) => c.notNull())
        .addColumn("actor", "varchar(64)", (c) => c.notNull())
        .addColumn("provider_refund_id", "varchar(128)")
        .addColumn("failure", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("refunds_order_refund_no_unique", ["order_id", "refund_no"])
        .execute();
      await db.schema.createIndex("refunds_appkey_created").on("refunds").columns(["appkey", "created_at"]).execute();
      // The background pass asks the provider again about refunds still `requested`.
      await db.schema.createIndex("refunds_status_updated").on("refunds").columns(["status", "updated_at"]).execute();
      await db.schema
        .createTable("refund_totals")
        .addColumn("order_id", "varchar(32)", (c) => c.primaryKey())
        .addColumn("paid_fen", "bigint", (c) => c.notNull())
        .addColumn("refunded_fen", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("refund_totals").ifExists().execute();
      await db.schema.dropTable("refunds").ifExists().execute();
    },
  };
}
