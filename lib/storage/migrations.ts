import type { Kysely, Migration } from "kysely";

export type Dialect = "sqlite" | "postgres";

/**
 * Migrations, in order, for both dialects. Each is written once; the only dialect difference is how an
 * auto-increment key is spelled. Add new ones at the end with the next number; never edit an applied one.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  // Kysely's builder types are per-table; migrations run before the typed schema exists, hence `Kysely<unknown>`.
  const serialId = (db: Kysely<unknown>, table: string) =>
    dialect === "postgres"
      ? db.schema.createTable(table).addColumn("id", "bigserial", (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());

  return {
    "001_init": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("orders")
          .addColumn("id", "varchar(32)", (c) => c.primaryKey())
          .addColumn("appkey", "varchar(64)", (c) => c.notNull())
          .addColumn("out_order_id", "varchar(128)", (c) => c.notNull())
          .addColumn("custom", "text", (c) => c.notNull())
          .addColumn("type", "varchar(16)", (c) => c.notNull())
          .addColumn("price_raw", "varchar(32)", (c) => c.notNull())
          .addColumn("price_fen", "bigint", (c) => c.notNull())
          .addColumn("pay_amount_fen", "bigint", (c) => c.notNull())
          .addColumn("free_amount", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("request_sign", "varchar(64)", (c) => c.notNull())
          .addColumn("channel_id", "varchar(64)", (c) => c.notNull())
          .addColumn("provider_order_id", "varchar(128)")
          .addColumn("payload", "text", (c) => c.notNull())
          .addColumn("status", "varchar(16)", (c) => c.notNull())
          .addColumn("late", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("real_fen", "bigint")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .addColumn("paid_at", "bigint")
          .addColumn("closed_at", "bigint")
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("orders_merchant_order_unique", ["appkey", "out_order_id"])
          .execute();
        await db.schema.createIndex("orders_status_expires").on("orders").columns(["status", "expires_at"]).execute();
        await db.schema
          .createIndex("orders_channel_provider_order")
          .on("orders")
          .columns(["channel_id", "provider_order_id"])
          .execute();
        await db.schema.createIndex("orders_custom").on("orders").columns(["appkey", "custom", "status"]).execute();

        await serialId(db, "payments")
          .addColumn("channel_id", "varchar(64)", (c) => c.notNull())
          .addColumn("trade_no", "varchar(128)", (c) => c.notNull())
          .addColumn("order_id", "varchar(32)")
          .addColumn("amount_fen", "bigint", (c) => c.notNull())
          .addColumn("status", "varchar(16)", (c) => c.notNull())
          .addColumn("reason", "varchar(64)")
          .addColumn("raw", "text", (c) => c.notNull())
          .addColumn("received_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("payments_channel_trade_unique", ["channel_id", "trade_no"])
          .execute();
        await db.schema.createIndex("payments_order").on("payments").column("order_id").execute();

        await serialId(db, "notifications")
          .addColumn("order_id", "varchar(32)", (c) => c.notNull().unique())
          .addColumn("url", "text", (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .addColumn("status", "varchar(16)", (c) => c.notNull())
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
          .addColumn("lease_until", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("lease_owner", "varchar(64)")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("delivered_at", "bigint")
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("notifications_due")
          .on("notifications")
          .columns(["status", "next_attempt_at"])
          .execute();

        await serialId(db, "notification_attempts")
          .addColumn("notification_id", "bigint", (c) => c.notNull())
          .addColumn("attempt_no", "integer", (c) => c.notNull())
          .addColumn("started_at", "bigint", (c) => c.notNull())
          .addColumn("duration_ms", "integer", (c) => c.notNull())
          .addColumn("http_status", "integer")
          .addColumn("response_body", "text")
          .addColumn("error", "text")
          .addColumn("outcome", "varchar(16)", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("notification_attempts_notification")
          .on("notification_attempts")
          .column("notification_id")
          .execute();

        await serialId(db, "demo_receipts")
          .addColumn("order_id", "varchar(64)", (c) => c.notNull())
          .addColumn("out_order_id", "varchar(128)", (c) => c.notNull())
          .addColumn("fields", "text", (c) => c.notNull())
          .addColumn("verified", "integer", (c) => c.notNull())
          .addColumn("received_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("demo_receipts_order").on("demo_receipts").column("order_id").execute();
      },
      async down(db: Kysely<unknown>) {
        for (const t of ["demo_receipts", "notification_attempts", "notifications", "payments", "orders"]) {
          await db.schema.dropTable(t).ifExists().execute();
        }
      },
    },
    "002_sanwang_qr_cache": {
      // The 三网 monitor's WeChat/QQ code cache (PROTOCOLS §3.4): codes are rate-limited upstream, so each one is
      // kept and lent to one order at a time. (channel_id, memo) is unique: the memo is how a payment finds its code.
      async up(db: Kysely<unknown>) {
        await serialId(db, "qr_cache")
          .addColumn("channel_id", "varchar(64)", (c) => c.notNull())
          .addColumn("amount_fen", "bigint", (c) => c.notNull())
          .addColumn("memo", "varchar(64)", (c) => c.notNull())
          .addColumn("content", "text", (c) => c.notNull())
          .addColumn("order_id", "varchar(32)")
          .addColumn("locked_at", "bigint", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("qr_cache_channel_memo_unique", ["channel_id", "memo"])
          .execute();
        await db.schema
          .createIndex("qr_cache_channel_amount")
          .on("qr_cache")
          .columns(["channel_id", "amount_fen"])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable("qr_cache").ifExists().execute();
      },
    },
    "003_orders_reconcile_asked_at": {
      // Reconciliation's once-per-10-s limit lives with the order, so several instances share it (PostgreSQL).
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable("orders").addColumn("reconcile_asked_at", "bigint").execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable("orders").dropColumn("reconcile_asked_at").execute();
      },
    },
    "004_events_updated_at_indexes": {
      // The events' safety net asks "what changed since t?" every few seconds on every instance (lib/events).
      async up(db: Kysely<unknown>) {
        await db.schema.createIndex("orders_updated_at").on("orders").column("updated_at").execute();
        await db.schema.createIndex("notifications_updated_at").on("notifications").column("updated_at").execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropIndex("notifications_updated_at").ifExists().execute();
        await db.schema.dropIndex("orders_updated_at").ifExists().execute();
      },
    },
  };
}
