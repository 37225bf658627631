import "server-only";
import fs from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, type MigrationProvider } from "kysely";
import pg from "pg";
import { migrations, type Dialect } from "./migrations";
import { FifoSqliteDialect } from "./sqlite-fifo-dialect";
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
  /** SQLite only: `FULL` (the default) or `NORMAL` — the benchmark opens both to print what durability costs. */
  sqliteSynchronous?: "FULL" | "NORMAL";
}

/** Above this many distinct SQL strings the cache starts over (`in (?, ?, …)` lists make the set open-ended). */
const STATEMENT_CACHE_MAX = 500;

/**
 * better-sqlite3 compiles a statement on every prepare(), and Kysely prepares each query it runs: compiling was ~8 %
 * of the CPU of create and notify ingestion (scripts/bench/profile-ingestion.ts). Paydesk's SQL strings are a small
 * fixed set, so the compiled statement of each is kept and reused (SQLite re-prepares one by itself after a schema
 * change).
 */
function withStatementCache(sqlite: SqliteDatabase.Database): {
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
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("busy_timeout = 5000");
    // FULL: with WAL, NORMAL may lose the last commits on power loss — a payment already acknowledged to the
    // provider (which then never resends it). FULL syncs the WAL on every commit; scripts/bench.ts prints the cost.
    sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? "FULL"}`);
    db = new Kysely<Database>({ dialect: new FifoSqliteDialect({ database: withStatementCache(sqlite) }) });
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
