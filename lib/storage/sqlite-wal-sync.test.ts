import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type DatabaseHandle } from "./database";
import { WalSync } from "./sqlite-wal-sync";

/** A flush that finishes only when told to, counting how often one was started. */
function heldFlush() {
  const pending: (() => void)[] = [];
  let started = 0;
  return {
    started: () => started,
    flush: () => {
      started++;
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    releaseOne: () => pending.shift()?.(),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("WalSync (one flush for the commits written meanwhile)", () => {
  it("a sync asked during a running flush waits for the next one, which serves every such ask", async () => {
    const f = heldFlush();
    const s = new WalSync(f.flush);
    const order: string[] = [];
    const first = s.sync().then(() => order.push("first"));
    // Written after the first flush started: that flush may not cover them.
    const later = Array.from({ length: 20 }, (_, i) => s.sync().then(() => order.push(`later${i}`)));
    await tick();
    expect(f.started()).toBe(1);
    f.releaseOne();
    await first;
    await tick();
    expect(order).toEqual(["first"]);
    // The twenty share the second flush.
    expect(f.started()).toBe(2);
    f.releaseOne();
    await Promise.all(later);
    expect(order).toHaveLength(21);
    expect(f.started()).toBe(2);
  });

  it("a failed flush fails its callers, and the next sync flushes again", async () => {
    let calls = 0;
    const s = new WalSync(() => (++calls === 1 ? Promise.reject(new Error("EIO")) : Promise.resolve()));
    await expect(s.sync()).rejects.toThrow("EIO");
    await expect(s.sync()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it("takeWrite reports a write once", () => {
    const s = new WalSync(() => Promise.resolve());
    expect(s.takeWrite()).toBe(false);
    s.noteWrite();
    expect(s.takeWrite()).toBe(true);
    expect(s.takeWrite()).toBe(false);
  });
});

describe("openDatabase on a SQLite file: writes return once the WAL is synced", () => {
  let dir: string;
  let h: DatabaseHandle;
  // Every FileHandle shares one prototype: spying on its sync sees the WAL's fsyncs.
  let syncSpy: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "paydesk-walsync-"));
    h = await openDatabase(`file:${path.join(dir, `w-${randomBytes(4).toString("hex")}.db`)}`);
    await sql`create table probe (n integer)`.execute(h.db);
    const probe = await fs.open(path.join(dir, "probe"), "w");
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    syncSpy = vi.spyOn(proto, "sync");
  });
  afterAll(async () => {
    syncSpy.mockRestore();
    await h.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    syncSpy.mockReset();
  });

  it("runs SQLite with synchronous = NORMAL (the fsync is Paydesk's, after the commit)", async () => {
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(h.db);
    const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(h.db);
    expect(mode.rows[0]?.journal_mode).toBe("wal");
    expect(sync.rows[0]?.synchronous).toBe(1);
  });

  it("a write is not answered before its fsync finishes; a read never waits for one", async () => {
    let finish: (() => void) | undefined;
    syncSpy.mockImplementation(() => new Promise<void>((r) => (finish = r)));
    let written = false;
    const write = sql`insert into probe (n) values (1)`.execute(h.db).then(() => (written = true));
    await tick();
    await tick();
    expect(syncSpy).toHaveBeenCalledTimes(1);
    expect(written).toBe(false);
    // The connection is free meanwhile: a read is answered (and sees the commit) while the fsync runs.
    const read = await sql<{ c: number }>`select count(*) as c from probe`.execute(h.db);
    expect(Number(read.rows[0]?.c)).toBe(1);
    expect(syncSpy).toHaveBeenCalledTimes(1);
    finish?.();
    await write;
    expect(written).toBe(true);
  });

  it("a transaction is synced once, after its commit; concurrent writers share fsyncs", async () => {
    syncSpy.mockImplementation(() => new Promise<void>((r) => setTimeout(r, 5)));
    await h.db.transaction().execute(async (tx) => {
      await sql`insert into probe (n) values (2)`.execute(tx);
      await sql`insert into probe (n) values (3)`.execute(tx);
    });
    expect(syncSpy).toHaveBeenCalledTimes(1);
    syncSpy.mockClear();
    await Promise.all(Array.from({ length: 50 }, (_, i) => sql`insert into probe (n) values (${i})`.execute(h.db)));
    expect(syncSpy.mock.calls.length).toBeGreaterThan(0);
    expect(syncSpy.mock.calls.length).toBeLessThan(10);
  });

  it("a failed fsync fails the write that waited for it", async () => {
    syncSpy.mockImplementation(() => Promise.reject(new Error("EIO")));
    await expect(sql`insert into probe (n) values (9)`.execute(h.db)).rejects.toThrow("EIO");
  });

  it("sqliteSynchronous FULL keeps SQLite's own fsync in every commit (scripts/bench.ts)", async () => {
    const full = await openDatabase(`file:${path.join(dir, "full.db")}`, { sqliteSynchronous: "FULL" });
    try {
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(full.db);
      expect(sync.rows[0]?.synchronous).toBe(2);
      await sql`create table probe (n integer)`.execute(full.db);
      syncSpy.mockClear();
      await sql`insert into probe (n) values (1)`.execute(full.db);
      expect(syncSpy).not.toHaveBeenCalled();
    } finally {
      await full.close();
    }
  });
});
