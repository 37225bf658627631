import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { DatabaseConnection, Driver, QueryCompiler, SqliteDialectConfig, TransactionSettings } from "kysely";
import { FifoSqliteDialect } from "./sqlite-fifo-dialect";

/**
 * Group commit for SQLite: commits are written with `synchronous = NORMAL` (into the WAL, no fsync) and made durable
 * by one fsync of the WAL file, on libuv's thread pool, shared by every commit written before it started. A caller's
 * write (a single statement or a whole transaction) resolves only after such an fsync, so whatever Paydesk answers
 * after a write (a create to the shop, an ack to a provider) is on disk first, exactly as with `synchronous = FULL`;
 * but FULL fsyncs inside each COMMIT, on the event loop, one commit at a time, which was most of a create's time
 * (npm run bench:protocols). docs/architecture.md ("Durability on SQLite") says what this keeps and what it does not.
 */
export class WalSync {
  private wrote = false;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  /** `flush` makes everything written to the WAL so far durable (an fsync of the file; tests pass a stand-in). */
  constructor(private readonly flush: () => Promise<void>) {}

  /** A statement that may change the database ran on the connection. */
  noteWrite(): void {
    this.wrote = true;
  }

  /** Whether the connection's holder wrote since it took the connection (read at hand-over, which resets it). */
  takeWrite(): boolean {
    const wrote = this.wrote;
    this.wrote = false;
    return wrote;
  }

  /**
   * Resolves once everything committed before the call is durable: joins the next flush to start, never the one
   * already running (it may have started before this commit was written); that next one serves every commit queued
   * while the running one lasted.
   */
  sync(): Promise<void> {
    if (!this.running) return this.start();
    this.queued ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  /** Waits for the flushes started so far (before the file is closed). */
  async settle(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
  }

  private startQueued(): Promise<void> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<void> {
    const flushing = this.flush().finally(() => {
      if (this.running === flushing) this.running = undefined;
    });
    this.running = flushing;
    return flushing;
  }
}

/**
 * The WAL file's flush for `database` (a file path): opens `<database>-wal` once, fsyncs its directory once where the
 * filesystem allows (so the file's own entry is on disk too), then `flush` is one fsync of the file. Null when the
 * file cannot be opened (the caller then keeps SQLite's own FULL).
 */
export async function openWalFlush(
  database: string,
): Promise<{ flush: () => Promise<void>; close: () => Promise<void> } | null> {
  const walPath = `${path.resolve(database)}-wal`;
  let file: fs.FileHandle;
  try {
    file = await fs.open(walPath, "r");
  } catch {
    return null;
  }
  // Best effort: some filesystems cannot open or fsync a directory (SQLite's own WAL creation does not sync it).
  await fs
    .open(path.dirname(walPath), "r")
    .then((dir) => dir.sync().finally(() => dir.close()))
    .catch(() => undefined);
  return { flush: () => file.sync(), close: () => file.close() };
}

type Compile = QueryCompiler["compileQuery"];

/**
 * FifoSqliteDialect whose connection, when given back after a write, is handed to the next in line at once and the
 * writer then waits for `WalSync.sync`: the commits of every writer waiting meanwhile share one fsync.
 */
export class WalSyncSqliteDialect extends FifoSqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly walSync: WalSync,
    private readonly onDestroy: () => Promise<void>,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const inner = super.createDriver();
    const walSync = this.walSync;
    const onDestroy = this.onDestroy;
    return {
      init: () => inner.init(),
      acquireConnection: () => inner.acquireConnection(),
      beginTransaction: (c: DatabaseConnection, s: TransactionSettings) => inner.beginTransaction(c, s),
      commitTransaction: (c: DatabaseConnection) => inner.commitTransaction(c),
      rollbackTransaction: (c: DatabaseConnection) => inner.rollbackTransaction(c),
      savepoint: (c: DatabaseConnection, name: string, compile: Compile) => inner.savepoint!(c, name, compile),
      rollbackToSavepoint: (c: DatabaseConnection, name: string, compile: Compile) =>
        inner.rollbackToSavepoint!(c, name, compile),
      releaseSavepoint: (c: DatabaseConnection, name: string, compile: Compile) =>
        inner.releaseSavepoint!(c, name, compile),
      async releaseConnection(c: DatabaseConnection) {
        // Read before the hand-over: from then on the flag is the next holder's.
        const wrote = walSync.takeWrite();
        await inner.releaseConnection(c);
        if (wrote) await walSync.sync();
      },
      async destroy() {
        await walSync.settle();
        await inner.destroy();
        await onDestroy();
      },
    };
  }
}
