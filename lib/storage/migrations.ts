import type { Kysely, Migration } from "kysely";
import { fileMigrations } from "./migrations-from-files";

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
      // The 三网 monitor's WeChat/QQ code cache (docs/providers/sanwang.md#how-it-works): codes are rate-limited
      // upstream, so each one is kept and lent to one order at a time. (channel_id, memo) is unique: the memo is how a
      // payment finds its code.
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
    "005_hardening": {
      // Per-day order counters make the daily order limit one atomic upsert (count-then-insert let concurrent creates
      // exceed it); rate_limits is rate-limiter-flexible's PostgreSQL table (counters shared by all instances).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("daily_order_counts")
          .addColumn("appkey", "varchar(64)", (c) => c.notNull())
          .addColumn("day", "bigint", (c) => c.notNull())
          .addColumn("count", "integer", (c) => c.notNull())
          .addPrimaryKeyConstraint("daily_order_counts_pk", ["appkey", "day"])
          .execute();
        if (dialect === "postgres") {
          await db.schema
            .createTable("rate_limits")
            .addColumn("key", "varchar(255)", (c) => c.primaryKey())
            .addColumn("points", "integer", (c) => c.notNull().defaultTo(0))
            .addColumn("expire", "bigint")
            .execute();
        }
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable("rate_limits").ifExists().execute();
        await db.schema.dropTable("daily_order_counts").ifExists().execute();
      },
    },
    "006_epay": {
      // Merchant protocols beside 云端 (epay first): which protocol made an order, and what it brought per request —
      // the product name, its own notify/return URLs, a digest of the request for idempotency. Notifications may be a
      // GET whose URL carries the signed query (epay, V免签) instead of a form POST.
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable("orders")
          .addColumn("protocol", "varchar(16)", (c) => c.notNull().defaultTo("cloudpay"))
          .execute();
        await db.schema
          .alterTable("orders")
          .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
          .execute();
        await db.schema.alterTable("orders").addColumn("notify_url", "text").execute();
        await db.schema.alterTable("orders").addColumn("return_url", "text").execute();
        await db.schema.alterTable("orders").addColumn("request_digest", "varchar(64)").execute();
        await db.schema
          .alterTable("notifications")
          .addColumn("method", "varchar(8)", (c) => c.notNull().defaultTo("POST"))
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable("notifications").dropColumn("method").execute();
        for (const c of ["request_digest", "return_url", "notify_url", "name", "protocol"]) {
          await db.schema.alterTable("orders").dropColumn(c).execute();
        }
      },
    },
    "007_console_audit": {
      // Every merchant-console operator action (resend, credit, dismiss, login), kept for the console's audit page.
      async up(db: Kysely<unknown>) {
        await serialId(db, "console_audit")
          .addColumn("at", "bigint", (c) => c.notNull())
          .addColumn("user_name", "varchar(64)", (c) => c.notNull())
          .addColumn("action", "varchar(32)", (c) => c.notNull())
          .addColumn("appkey", "varchar(64)")
          .addColumn("order_id", "varchar(32)")
          .addColumn("payment_id", "bigint")
          .addColumn("reason", "text")
          .addColumn("detail", "text")
          .execute();
        await db.schema.createIndex("console_audit_at").on("console_audit").column("at").execute();
        await db.schema.createIndex("console_audit_order").on("console_audit").column("order_id").execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable("console_audit").ifExists().execute();
      },
    },
    "008_vmq": {
      // V免签 channels (docs/providers/vmq.md#how-matching-works). A payment names only a wallet and an amount, so each
      // open order holds an amount of its own: (channel_id, type, amount_fen) is unique, which is what keeps two
      // concurrent creates from ever being handed the same amount. The monitor table keeps the app's last heartbeat
      // (online or not).
      async up(db: Kysely<unknown>) {
        await serialId(db, "amount_reservations")
          .addColumn("channel_id", "varchar(64)", (c) => c.notNull())
          .addColumn("type", "varchar(16)", (c) => c.notNull())
          .addColumn("amount_fen", "bigint", (c) => c.notNull())
          .addColumn("order_id", "varchar(32)", (c) => c.notNull())
          .addColumn("reserved_until", "bigint", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("amount_reservations_unique", ["channel_id", "type", "amount_fen"])
          .execute();
        await db.schema.createIndex("amount_reservations_order").on("amount_reservations").column("order_id").execute();
        await db.schema
          .createTable("channel_monitors")
          .addColumn("channel_id", "varchar(64)", (c) => c.primaryKey())
          .addColumn("last_heart_at", "bigint")
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable("channel_monitors").ifExists().execute();
        await db.schema.dropTable("amount_reservations").ifExists().execute();
      },
    },
    ...fileMigrations(dialect),
  };
}
