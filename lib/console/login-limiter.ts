/**
 * The login rate limit, behind two small functions so the store can be swapped (e.g. for rate-limiter-flexible
 * with a shared backend) without touching the login code. This one is per process and in memory: failed attempts
 * per key in a sliding window; a key over the limit is refused until its oldest failure leaves the window.
 */
export interface LoginLimiter {
  /** Milliseconds until one of `keys` may try again, or 0 when all may try now. */
  retryAfter(keys: readonly string[], now: number): number;
  recordFailure(keys: readonly string[], now: number): void;
  reset(key: string): void;
}

export function memoryLoginLimiter(maxFailures = 5, windowMs = 15 * 60_000): LoginLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number) => {
    const kept = (failures.get(key) ?? []).filter((t) => t > now - windowMs);
    if (kept.length) failures.set(key, kept);
    else failures.delete(key);
    return kept;
  };
  return {
    retryAfter(keys, now) {
      let wait = 0;
      for (const key of keys) {
        const times = recent(key, now);
        if (times.length >= maxFailures) wait = Math.max(wait, times[times.length - maxFailures]! + windowMs - now);
      }
      return wait;
    },
    recordFailure(keys, now) {
      for (const key of keys) failures.set(key, [...recent(key, now), now]);
    },
    reset(key) {
      failures.delete(key);
    },
  };
}

/** Failures are counted per user name (5 per 15 min) and per client address (50: an office shares one address). */
export interface LoginLimiters {
  byUser: LoginLimiter;
  byIp: LoginLimiter;
}

const globalForLimiter = globalThis as unknown as { __paydeskLoginLimiters?: LoginLimiters };

/** The process-wide limiters used by the console's login. */
export function loginLimiters(): LoginLimiters {
  globalForLimiter.__paydeskLoginLimiters ??= { byUser: memoryLoginLimiter(5), byIp: memoryLoginLimiter(50) };
  return globalForLimiter.__paydeskLoginLimiters;
}
