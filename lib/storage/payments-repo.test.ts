import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { T0 } from "@/test/support/order-fixture";
import { dropTestSchema, TEST_PG_URL } from "@/test/support/test-context";
import { migrations } from "./migrations";
import type { Database } from "./schema";
import {
  findPayment,
  findPaymentById,
  insertPaymentOnce,
  linkPayments,
  listPaymentsForOrder,
  listPaymentsForReview,
  listPaymentsForTrade,
  setPaymentOutcome,
} from "./payments-repo";

describeOnDatabases("payments repository", (dialect) => {
  const h = useTestDatabase(dialect);

  it("payments are unique per channel and trade number", async () => {
    const p = {
      channel_id: "c1",
      trade_no: `T-${dialect}`,
      order_id: null,
      amount_fen: 100,
      status: "unmatched" as const,
      reason: null,
      raw: "{}",
      received_at: T0,
    };
    const id = await insertPaymentOnce(h.db, p);
    expect(id).toEqual(expect.any(Number));
    expect(await insertPaymentOnce(h.db, p)).toBeNull();
    expect(await insertPaymentOnce(h.db, { ...p, channel_id: "c2" })).toEqual(expect.any(Number));
    await setPaymentOutcome(h.db, id!, { status: "mismatched", orderId: "ORDX", reason: "amount_mismatch" });
    expect(await findPayment(h.db, "c1", p.trade_no)).toMatchObject({ status: "mismatched", order_id: "ORDX" });
    expect((await listPaymentsForReview(h.db)).some((r) => r.trade_no === p.trade_no)).toBe(true);
  });

  const row = (tradeNo: string, over: Partial<Parameters<typeof insertPaymentOnce>[1]> = {}) => ({
    channel_id: "c1",
    trade_no: tradeNo,
    order_id: null,
    amount_fen: 1000,
    status: "unmatched" as const,
    reason: null,
    raw: "{}",
    received_at: T0,
    ...over,
  });

  it("a notify with the same trade number but another amount is a row of its own; an exact repeat is not", async () => {
    // A signed notify with a wrong amount must not use up the trade number: the genuine one comes later.
    const wrong = await insertPaymentOnce(h.db, row(`AMT-${dialect}`, { amount_fen: 999 }));
    const genuine = await insertPaymentOnce(h.db, row(`AMT-${dialect}`));
    expect(wrong).toEqual(expect.any(Number));
    expect(genuine).toEqual(expect.any(Number));
    expect(genuine).not.toBe(wrong);
    expect(await insertPaymentOnce(h.db, row(`AMT-${dialect}`))).toBeNull();
    expect(await insertPaymentOnce(h.db, row(`AMT-${dialect}`, { amount_fen: 999 }))).toBeNull();
    expect((await listPaymentsForTrade(h.db, "c1", `AMT-${dialect}`)).map((p) => p.id)).toEqual([wrong, genuine]);
  });

  it("the wallet is part of the content where the provider reports one", async () => {
    const t = `TYPE-${dialect}`;
    const ali = await insertPaymentOnce(h.db, row(t, { reported_type: "alipay", status: "applied" }));
    const wx = await insertPaymentOnce(h.db, row(t, { reported_type: "wxpay" }));
    expect(ali).toEqual(expect.any(Number));
    expect(wx).toEqual(expect.any(Number));
    expect(await insertPaymentOnce(h.db, row(t, { reported_type: "alipay" }))).toBeNull();
    expect(await insertPaymentOnce(h.db, row(t, { reported_type: "wxpay" }))).toBeNull();
    // Reconciliation reports no wallet: the same trade and amount as the one that applied is that payment.
    expect(await insertPaymentOnce(h.db, row(t))).toBeNull();
    expect((await listPaymentsForTrade(h.db, "c1", t)).map((p) => p.reported_type)).toEqual(["alipay", "wxpay"]);
  });

  it("a report without a wallet is not a repeat of a notify kept for naming another wallet", async () => {
    const t = `WRONG-WALLET-${dialect}`;
    expect(await insertPaymentOnce(h.db, row(t, { reported_type: "wxpay", status: "mismatched" }))).toEqual(
      expect.any(Number),
    );
    const answered = await insertPaymentOnce(h.db, row(t));
    expect(answered).toEqual(expect.any(Number));
    expect(await insertPaymentOnce(h.db, row(t))).toBeNull();
    // And a wallet reported later repeats a row recorded without one (a reconciled payment, a row from before 012).
    expect(await insertPaymentOnce(h.db, row(t, { reported_type: "alipay" }))).toBeNull();
  });

  it("identical notifies racing each other insert one row", async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => insertPaymentOnce(h.db, row(`RACE-${dialect}`))));
    expect(ids.filter((id) => id !== null)).toHaveLength(1);
  });

  it("links payments of one trade to the one that applied", async () => {
    const t = `LINK-${dialect}`;
    const a = (await insertPaymentOnce(h.db, row(t, { amount_fen: 1 })))!;
    const b = (await insertPaymentOnce(h.db, row(t, { amount_fen: 2 })))!;
    const c = (await insertPaymentOnce(h.db, row(t)))!;
    await linkPayments(h.db, [a, b], c);
    const rows = await listPaymentsForTrade(h.db, "c1", t);
    expect(rows.map((p) => [p.id, p.related_payment_id])).toEqual([
      [a, c],
      [b, c],
      [c, null],
    ]);
    expect((await findPaymentById(h.db, a))!.related_payment_id).toBe(c);
    // A form's payment_id that is not an integer finds nothing (PostgreSQL would refuse NaN as a bigint).
    expect(await findPaymentById(h.db, Number.NaN)).toBeUndefined();
    expect(await findPaymentById(h.db, 1.5)).toBeUndefined();
  });
});

describeOnDatabases("migration 012 (payments by trade and content)", (dialect) => {
  let db: Kysely<Database>;
  let schema = "";

  beforeAll(async () => {
    if (dialect === "postgres") {
      schema = `paydesk_m012_${randomBytes(5).toString("hex")}`;
      const pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 2, options: `-c search_path=${schema}` });
      await pool.query(`CREATE SCHEMA "${schema}"`);
      db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    } else {
      const file = path.join(os.tmpdir(), `paydesk-m012-${randomBytes(6).toString("hex")}.db`);
      db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(file) }) });
    }
  });
  afterAll(async () => {
    await db.destroy();
    if (schema) await dropTestSchema(schema);
  });

  const migrateTo = async (keep: (name: string) => boolean) => {
    const all = migrations(dialect);
    const provider: MigrationProvider = {
      getMigrations: async () => Object.fromEntries(Object.entries(all).filter(([name]) => keep(name))),
    };
    const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  };

  it("keeps the payments recorded before it, with their ids, indexes and a key for their content", async () => {
    await migrateTo((name) => name < "012");
    for (const [tradeNo, amount] of [
      ["OLD-1", 1000],
      ["OLD-2", 500],
    ] as const) {
      await sql`insert into payments (channel_id, trade_no, order_id, amount_fen, status, reason, raw, received_at)
                values ('c1', ${tradeNo}, 'ORD1', ${amount}, 'applied', null, '{}', ${T0})`.execute(db);
    }
    const idsBefore = (await sql<{ id: number | string }>`select id from payments order by id`.execute(db)).rows.map(
      (r) => Number(r.id),
    );
    await migrateTo(() => true);

    expect(await findPaymentById(db, idsBefore[0]!)).toMatchObject({
      trade_no: "OLD-1",
      amount_fen: 1000,
      order_id: "ORD1",
      reported_type: null,
      related_payment_id: null,
    });
    // Found through the order index, which the SQLite rebuild re-created.
    expect((await listPaymentsForOrder(db, "ORD1")).map((p) => p.id)).toEqual(idsBefore);
    if (dialect === "sqlite") {
      const indexes = await sql<{ name: string }>`select name from sqlite_master where tbl_name = 'payments'`.execute(
        db,
      );
      expect(indexes.rows.map((r) => r.name)).toContain("payments_order");
    }
    // A repeat of an old notify, with or without a wallet now reported, is still a repeat; other content is not.
    expect(await insertPaymentOnce(db, { ...oldRow("OLD-1", 1000), reported_type: "alipay" })).toBeNull();
    expect(await insertPaymentOnce(db, oldRow("OLD-2", 500))).toBeNull();
    expect(await insertPaymentOnce(db, oldRow("OLD-2", 499))).toBeGreaterThan(Math.max(...idsBefore));
  });

  const oldRow = (tradeNo: string, amountFen: number) => ({
    channel_id: "c1",
    trade_no: tradeNo,
    order_id: null,
    amount_fen: amountFen,
    status: "unmatched" as const,
    reason: null,
    raw: "{}",
    received_at: T0,
  });
});
