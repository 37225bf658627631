import "server-only";
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from "rate-limiter-flexible";
import { pgPoolOf, type Db } from "./database";

export interface LimiterSpec {
  /** Separates the counters of different limits that share a table. */
  keyPrefix: string;
  /** Points per window. */
  points: number;
  /** Window length in seconds. */
  duration: number;
}

/**
 * A counter store for one limit: PostgreSQL (table `rate_limits`, migration 005) when the database is PostgreSQL, so
 * every instance shares the counts; in memory on SQLite, which is a single-instance setup anyway.
 */
export function createRateLimiter(db: Db, spec: LimiterSpec): RateLimiterAbstract {
  const pool = pgPoolOf(db);
  if (!pool) return new RateLimiterMemory(spec);
  return new RateLimiterPostgres({
    ...spec,
    storeClient: pool,
    storeType: "pool",
    tableName: "rate_limits",
    // The migration made the table; no background clean-up timer (expired rows are overwritten on next use).
    tableCreated: true,
    clearExpiredByTimeout: false,
    // A database hiccup must not lock payers out: count in memory until PostgreSQL answers again.
    insuranceLimiter: new RateLimiterMemory(spec),
  });
}
