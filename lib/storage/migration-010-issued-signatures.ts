import { sql, type Kysely, type Migration } from "kysely";

/**
 * Migration 010 (in its own file to keep migrations.ts short; listed there as "010_issued_signatures"), issue 17:
 * a signature is good for one use. `issued_signatures` holds every signature Paydesk put into a message (notify,
 * return URL), so none of them is ever taken back as a request; rows are pruned by age. `request_signatures` holds
 * the create signature of every order: one signature makes at most one order per merchant. Signatures are stored
 * lower-cased (shops may send uppercase hex; the comparison is case-insensitive). Both dialects alike.
 */
export function issuedSignaturesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("issued_signatures")
        .addColumn("sign", "varchar(64)", (c) => c.primaryKey())
        .addColumn("appkey", "varchar(64)", (c) => c.notNull())
        .addColumn("order_id", "varchar(32)", (c) => c.notNull())
        .addColumn("issued_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("issued_signatures_at").on("issued_signatures").column("issued_at").execute();
      await db.schema
        .createTable("request_signatures")
        .addColumn("appkey", "varchar(64)", (c) => c.notNull())
        .addColumn("sign", "varchar(64)", (c) => c.notNull())
        .addColumn("order_id", "varchar(32)", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("request_signatures_pk", ["appkey", "sign"])
        .execute();
      // Orders made before this migration claim their signatures too (one grouped pass; where an earlier attack
      // already made several orders from one signature, one of them holds it and the next create is refused).
      await sql`
        insert into request_signatures (appkey, sign, order_id, created_at)
        select appkey, lower(request_sign), min(id), min(created_at) from orders
        where request_sign <> '' group by appkey, lower(request_sign)`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("request_signatures").ifExists().execute();
      await db.schema.dropTable("issued_signatures").ifExists().execute();
    },
  };
}
