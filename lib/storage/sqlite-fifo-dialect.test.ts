import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "./database";

describe("SQLite connection hand-over (first come, first served)", () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openDatabase("file::memory:");
    await sql`create table fifo_probe (n integer)`.execute(h.db);
  });
  afterAll(() => h.close());

  it("answers 5,000 concurrent queries, in the order they were asked", async () => {
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 5000 }, (_, i) =>
        sql<{ n: number }>`select ${i} as n`.execute(h.db).then(() => done.push(i)),
      ),
    );
    expect(done).toHaveLength(5000);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });

  it("a transaction keeps the connection: a query asked meanwhile sees all of it or none of it", async () => {
    const seen: number[] = [];
    const tx = h.db.transaction().execute(async (t) => {
      await sql`insert into fifo_probe (n) values (1)`.execute(t);
      await new Promise((r) => setTimeout(r, 30));
      await sql`insert into fifo_probe (n) values (2)`.execute(t);
    });
    await new Promise((r) => setTimeout(r, 5));
    const outside = sql<{ c: number }>`select count(*) as c from fifo_probe`
      .execute(h.db)
      .then((r) => seen.push(Number(r.rows[0]?.c)));
    await Promise.all([tx, outside]);
    expect(seen).toEqual([2]);
  });

  it("a failed transaction hands the connection on", async () => {
    await expect(
      h.db.transaction().execute(async (t) => {
        await sql`insert into fifo_probe (n) values (3)`.execute(t);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const r = await sql<{ c: number }>`select count(*) as c from fifo_probe where n = 3`.execute(h.db);
    expect(Number(r.rows[0]?.c)).toBe(0);
  });
});
