import "server-only";
import fs from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, type MigrationProvider } from "kysely";
import pg from "pg";
import { migrations, type Dialect } from "./migrations";
import { FifoSqliteDialect } from "./sqlite-fifo-dialect";
import { openWalFlush, WalSync, WalSyncSqliteDialect } from "./sqlite-wal-sync";
import { openNotifyChannel, type NotifyChannel } from "./pg-notify";
import { processSingleton, writeProcessState } from "@/lib/process-state";
import type { Database } from "./schema";

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
  /**
   * PostgreSQL only: opens this database's event channel (LISTEN/NOTIFY, named after the schema) on a dedicated
   * connection. SQLite has none: its events stay in the one process that writes.
   */
  openEventChannel?(onMessage: (payload: string) => void, onError: (err: Error) => void): Promise<NotifyChannel>;
}

// PostgreSQL returns bigint (int8) and numeric as strings; every bigint Paydesk stores (fen, milliseconds) is far
// below 2^53, so numbers are safe and keep both dialects returning the same types.
pg.types.setTypeParser(20, (v) => Number(v));

// The pg pool behind each PostgreSQL Kysely instance, for the one other user of the connection: the rate limiter
// (lib/storage/rate-limits-repo.ts). Kept here so no code outside lib/storage touches the driver.
const pools = new WeakMap<Db, pg.Pool>();

export function pgPoolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

export interface OpenOptions {
  /** PostgreSQL only: a schema to create and use (tests isolate themselves this way). */
  pgSchema?: string;
  /**
   * SQLite only. Unset (Paydesk's setting): every write waits for an fsync of the WAL shared with the writes beside it
   * (lib/storage/sqlite-wal-sync.ts), as durable as `FULL`. `FULL` is SQLite's own fsync in every commit, `NORMAL`
   * none at all (a power loss may take the last commits): scripts/bench.ts opens those two to print what each costs.
   */
  sqliteSynchronous?: "FULL" | "NORMAL";
}

/** Above this many distinct SQL strings the cache starts over (`in (?, ?, …)` lists make the set open-ended). */
const STATEMENT_CACHE_MAX = 500;

/**
 * better-sqlite3 compiles a statement on every prepare(), and Kysely prepares each query it runs: compiling was ~8 %
 * of the CPU of create and notify ingestion (scripts/bench/profile-ingestion.ts). Paydesk's SQL strings are a small
 * fixed set, so the compiled statement of each is kept and reused (SQLite re-prepares one by itself after a schema
 * change). `onWrite` hears of every statement that may change the database (the WAL's group fsync).
 */
function withStatementCache(
  sqlite: SqliteDatabase.Database,
  onWrite?: () => void,
): {
  prepare(sql: string): SqliteDatabase.Statement;
  close(): void;
} {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
        cache.set(sql, stmt);
      }
      // SQLite's own answer (sqlite3_stmt_readonly): BEGIN and COMMIT count as read-only, their transaction's
      // statements do not.
      if (onWrite && !stmt.readonly) onWrite();
      return stmt;
    },
    close: () => sqlite.close(),
  };
}

/** Opens `file:…` (SQLite) or `postgres://…` and applies pending migrations before returning. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<DatabaseHandle> {
  let db: Db;
  let dialect: Dialect;
  let openEventChannel: DatabaseHandle["openEventChannel"];
  if (url.startsWith("file:")) {
    const file = url.slice("file:".length);
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SqliteDatabase(file);
    // WAL lets readers continue during a write; busy_timeout makes a second process wait instead of failing.
    const wal = sqlite.pragma("journal_mode = WAL", { simple: true }) === "wal";
    sqlite.pragma("busy_timeout = 5000");
    // With WAL, NORMAL alone may lose the last commits on power loss — a payment already acknowledged to the provider
    // (which then never resends it). So a write returns only once it is on disk: FULL syncs the WAL inside every
    // commit; the group sync (the default) syncs it after the commit, off the event loop, once for all the commits
    // written meanwhile. docs/architecture.md ("Durability on SQLite").
    // A first read makes SQLite open (create) the WAL file, which the group sync then holds open.
    if (wal) sqlite.pragma("user_version");
    const walFlush = wal && options.sqliteSynchronous === undefined ? await openWalFlush(file) : null;
    sqlite.pragma(`synchronous = ${walFlush ? "NORMAL" : (options.sqliteSynchronous ?? "FULL")}`);
    if (walFlush) {
      const walSync = new WalSync(walFlush.flush);
      const database = withStatementCache(sqlite, () => walSync.noteWrite());
      db = new Kysely<Database>({ dialect: new WalSyncSqliteDialect({ database }, walSync, walFlush.close) });
    } else {
      db = new Kysely<Database>({ dialect: new FifoSqliteDialect({ database: withStatementCache(sqlite) }) });
    }
    dialect = "sqlite";
  } else {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: 5000,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    if (options.pgSchema) {
      const client = await pool.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.pgSchema}"`);
      } finally {
        client.release();
      }
    }
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pools.set(db, pool);
    dialect = "postgres";
    const schema = options.pgSchema ?? "public";
    openEventChannel = (onMessage, onError) => openNotifyChannel(url, schema, onMessage, onError);
  }
  await migrate(db, dialect, options.pgSchema);
  return { db, dialect, close: () => db.destroy(), ...(openEventChannel ? { openEventChannel } : {}) };
}

async function migrate(db: Db, dialect: Dialect, pgSchema: string | undefined): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // Kysely looks for its migration tables by name across every schema unless told which one: with several schemas
  // in one database (parallel test suites, or instances sharing a server) it would find another schema's table,
  // skip creating its own and fail with "relation kysely_migration_lock does not exist".
  const migrator = new Migrator({ db, provider, ...(pgSchema ? { migrationTableSchema: pgSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "unknown");
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${reason}`);
  }
}

/** The process-wide database (lib/process-state.ts), opened (and migrated) on first use. */
export function getDatabase(url: string): Promise<DatabaseHandle> {
  return processSingleton("database", () =>
    openDatabase(url).catch((err: unknown) => {
      writeProcessState("database", undefined);
      throw err;
    }),
  );
}

/** Installs a database as the process-wide one (tests). */
export function setDatabaseForTests(handle: DatabaseHandle | undefined): void {
  writeProcessState("database", handle ? Promise.resolve(handle) : undefined);
}
