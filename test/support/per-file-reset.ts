/**
 * Runs before every test file (vitest `setupFiles`). Test files share worker processes (`isolate: false` in
 * vitest.config.mts, for speed), so the process-wide singletons Paydesk keeps on globalThis (`__paydesk…`: the
 * circuit breaker, reconciliation's rate limit, login limiters, the cached config) start empty for each file, as
 * they would in a fresh process. The database handle and the logger are kept: they hold no test-visible state.
 */
const KEEP = new Set(["__paydeskDb", "__paydeskLog"]);
const globals = globalThis as unknown as Record<string, unknown>;
for (const key of Object.keys(globals)) {
  if (key.startsWith("__paydesk") && !KEEP.has(key)) delete globals[key];
}
