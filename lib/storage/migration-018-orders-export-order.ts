import type { Kysely, Migration } from "kysely";

/**
 * Migration 018 (listed in migrations.ts as "018_orders_export_order"): the indexes the console's CSV export reads
 * its keyset pages through (lib/storage/console-export-repo.ts: newest first by (created_at, id), after a cursor).
 * `(appkey, created_at, id)` serves a user scoped to merchants (`appkey IN (…)`), `(created_at, id)` one who sees them
 * all; without them every page sorted the merchant's whole order history again, so an export's time grew faster
 * than the table (npm run bench:export).
 */
export function ordersExportOrderMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex("orders_appkey_created_id")
        .on("orders")
        .columns(["appkey", "created_at", "id"])
        .execute();
      await db.schema.createIndex("orders_created_id").on("orders").columns(["created_at", "id"]).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex("orders_created_id").ifExists().execute();
      await db.schema.dropIndex("orders_appkey_created_id").ifExists().execute();
    },
  };
}
