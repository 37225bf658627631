import "server-only";
import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from "kysely";

/**
 * Kysely's SQLite driver guards its one connection with a mutex whose waiters all wake on every release and all but
 * one go back to sleep: with n queries waiting that is n² wake-ups. 10,000 held polls re-reading their orders at once
 * (a restart, the safety net after a burst) kept a core busy for seconds (npm run bench:events). This driver hands
 * the connection to the next waiter in line instead: first come, first served, one wake-up each.
 */
class FifoSqliteDriver extends SqliteDriver {
  private connection: DatabaseConnection | undefined;
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  override async init(): Promise<void> {
    await super.init();
    // Taken once and never given back to the parent's mutex: from here on the queue below decides who holds it.
    this.connection = await super.acquireConnection();
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    if (!this.connection) throw new Error("SQLite driver used before init");
    return this.connection;
  }

  override async releaseConnection(): Promise<void> {
    const next = this.waiting.shift();
    // The next in line takes it over directly; `busy` stays true for it.
    if (next) next();
    else this.busy = false;
  }
}

/** SqliteDialect with the first-come-first-served connection hand-over above. */
export class FifoSqliteDialect extends SqliteDialect {
  constructor(private readonly fifoConfig: SqliteDialectConfig) {
    super(fifoConfig);
  }

  override createDriver(): Driver {
    return new FifoSqliteDriver(this.fifoConfig);
  }
}
