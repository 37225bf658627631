import type { Kysely, Migration } from "kysely";

/**
 * Migration "channel budgets" (issue 20): one row per channel and Asia/Shanghai day with the orders and the amount
 * (fen) taken so far, so a channel's daily budget is one guarded upsert (lib/storage/channel-budgets-repo.ts) and
 * concurrent creates on any instance never pass it — the same shape as `daily_order_counts` (migration 005).
 */
export function channelBudgetsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("channel_daily_budgets")
        .addColumn("channel_id", "varchar(64)", (c) => c.notNull())
        .addColumn("day", "bigint", (c) => c.notNull())
        .addColumn("orders", "integer", (c) => c.notNull())
        .addColumn("amount_fen", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("channel_daily_budgets_pk", ["channel_id", "day"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("channel_daily_budgets").ifExists().execute();
    },
  };
}
