import { sql, type Kysely, type Migration } from "kysely";
import type { Dialect } from "./migrations";

/**
 * Migration 012 (in its own file to keep migrations.ts short; listed there as "012_payments_content_dedup").
 * A payment is known by its trade number AND its content (amount, and the wallet where the provider reports one):
 * keyed by the trade number alone, a signed notify with a wrong amount used the number up and the genuine one that
 * followed was dropped as a duplicate. `content_key` (`{fen}:{wallet or ""}`) joins the unique key, `reported_type`
 * keeps the wallet the notify named, `related_payment_id` links a row kept for review to the one of its trade that
 * applied. Rows already recorded get the key of their amount and no wallet (which repeats any wallet).
 */
export function paymentsContentDedup(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === "postgres") {
        await db.schema.alterTable("payments").addColumn("reported_type", "varchar(32)").execute();
        await db.schema.alterTable("payments").addColumn("related_payment_id", "bigint").execute();
        await db.schema
          .alterTable("payments")
          .addColumn("content_key", "varchar(64)", (c) => c.notNull().defaultTo(""))
          .execute();
        await sql`update payments set content_key = cast(amount_fen as varchar) || ':'`.execute(db);
        await db.schema.alterTable("payments").dropConstraint("payments_channel_trade_unique").execute();
        await db.schema
          .alterTable("payments")
          .addUniqueConstraint("payments_channel_trade_content_unique", ["channel_id", "trade_no", "content_key"])
          .execute();
        return;
      }
      await rebuildSqlitePayments(db, "content");
    },
    async down(db: Kysely<unknown>) {
      const several = await sql<{ n: number | string }>`
        select count(*) as n from (
          select channel_id, trade_no from payments group by channel_id, trade_no having count(*) > 1
        ) t`.execute(db);
      if (Number(several.rows[0]?.n ?? 0) > 0)
        throw new Error("012_payments_content_dedup: some trades have several payments; undoing it would lose them");
      if (dialect === "postgres") {
        await db.schema.alterTable("payments").dropConstraint("payments_channel_trade_content_unique").execute();
        for (const c of ["content_key", "related_payment_id", "reported_type"]) {
          await db.schema.alterTable("payments").dropColumn(c).execute();
        }
        await db.schema
          .alterTable("payments")
          .addUniqueConstraint("payments_channel_trade_unique", ["channel_id", "trade_no"])
          .execute();
        return;
      }
      await rebuildSqlitePayments(db, "trade");
    },
  };
}

/**
 * SQLite cannot drop a table constraint: `payments` is rebuilt with the other unique key (by trade and content, or
 * by trade alone when 012 is undone), keeping its rows with their ids and every index created on it.
 */
async function rebuildSqlitePayments(db: Kysely<unknown>, key: "content" | "trade"): Promise<void> {
  const indexes = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = 'payments' and sql is not null`.execute(db);
  let table = db.schema
    .createTable("payments_012")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("channel_id", "varchar(64)", (c) => c.notNull())
    .addColumn("trade_no", "varchar(128)", (c) => c.notNull())
    .addColumn("order_id", "varchar(32)")
    .addColumn("amount_fen", "bigint", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("reason", "varchar(64)")
    .addColumn("raw", "text", (c) => c.notNull())
    .addColumn("received_at", "bigint", (c) => c.notNull());
  table =
    key === "content"
      ? table
          .addColumn("reported_type", "varchar(32)")
          .addColumn("related_payment_id", "bigint")
          .addColumn("content_key", "varchar(64)", (c) => c.notNull())
          .addUniqueConstraint("payments_channel_trade_content_unique", ["channel_id", "trade_no", "content_key"])
      : table.addUniqueConstraint("payments_channel_trade_unique", ["channel_id", "trade_no"]);
  await table.execute();
  const columns = sql.raw("id, channel_id, trade_no, order_id, amount_fen, status, reason, raw, received_at");
  await (
    key === "content"
      ? sql`insert into payments_012 (${columns}, content_key)
            select ${columns}, cast(amount_fen as text) || ':' from payments`
      : sql`insert into payments_012 (${columns}) select ${columns} from payments`
  ).execute(db);
  await db.schema.dropTable("payments").execute();
  await db.schema.alterTable("payments_012").renameTo("payments").execute();
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
}
