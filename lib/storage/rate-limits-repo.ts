import "server-only";
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from "rate-limiter-flexible";
import { pgPoolOf, type Db } from "./database";

/** One limit's counters: points per window of `duration` seconds, under its own key prefix. */
export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  duration: number;
}

// One limiter per (database, owner, key prefix): the owner is the configuration's limits object, so a test that
// builds its own configuration gets fresh counters while a server keeps one set for its whole life.
const limiters = new WeakMap<Db, WeakMap<object, Map<string, RateLimiterAbstract>>>();

function create(db: Db, spec: LimiterSpec): RateLimiterAbstract {
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

/**
 * The counter store for one limit: PostgreSQL (table `rate_limits`, migration 005) when the database is PostgreSQL,
 * so every instance shares the counts; in memory on SQLite, which is a single-instance setup anyway.
 */
export function rateLimiter(db: Db, owner: object, spec: LimiterSpec): RateLimiterAbstract {
  let byOwner = limiters.get(db);
  if (!byOwner) limiters.set(db, (byOwner = new WeakMap()));
  let byKey = byOwner.get(owner);
  if (!byKey) byOwner.set(owner, (byKey = new Map()));
  const key = `${spec.keyPrefix}:${spec.points}:${spec.duration}`;
  let limiter = byKey.get(key);
  if (!limiter) byKey.set(key, (limiter = create(db, spec)));
  return limiter;
}
