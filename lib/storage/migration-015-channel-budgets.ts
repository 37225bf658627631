import type { Kysely, Migration } from "kysely";

/**
 * Migration 015 (listed in migrations.ts as "015_channel_budgets"): channel budgets (docs/contract.md#channel-budgets).
 * - `channel_budget_days`: per channel and Beijing day, the orders handed to it and their amount. A create takes its
 *   slot with one guarded upsert (below the limits or nothing), so concurrent creates can never pass the budget on
 *   either database; a create that failed upstream gives its slot back.
 * - `channel_rests`: per channel its current rest and reason, and since when orders count towards a run of unpaid
 *   ones (a run that became a rest counts no more), so every instance skips a resting channel alike.
 * - `orders_channel_expires`: a channel's orders by expiry (the run of unpaid orders is read there: an order expires
 *   on the sweeper's pass or on a read of its page, and the rows read the same either way).
 */
export function channelBudgetsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("channel_budget_days")
        .addColumn("channel_id", "varchar(64)", (c) => c.notNull())
        .addColumn("day", "bigint", (c) => c.notNull())
        .addColumn("orders", "integer", (c) => c.notNull())
        .addColumn("amount_fen", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("channel_budget_days_pk", ["channel_id", "day"])
        .execute();
      await db.schema
        .createTable("channel_rests")
        .addColumn("channel_id", "varchar(64)", (c) => c.primaryKey())
        .addColumn("rest_until", "bigint")
        .addColumn("rest_reason", "text")
        .addColumn("run_since", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("orders_channel_created")
        .on("orders")
        .columns(["channel_id", "created_at"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex("orders_channel_expires").ifExists().execute();
      await db.schema.dropTable("channel_rests").ifExists().execute();
      await db.schema.dropTable("channel_budget_days").ifExists().execute();
    },
  };
}
