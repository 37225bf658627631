/**
 * Delays before each retry of a merchant notification, after the first attempt (docs/contract.md#merchant-notification,
 * WeChat Pay's schedule, which Chinese merchants know): 15 s, 15 s, 30 s, 3 min, 10 min, 20 min, 30 min ×3, 1 h, 3 h
 * ×3, 6 h ×2. After the last one fails the delivery is `failed` (≈ 24 h after the payment) and can be resent.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10_800, 10_800, 10_800, 21_600, 21_600,
].map((s) => s * 1000);

/** Total attempts: the first one plus one per retry delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/**
 * After attempt number `attemptNo` (1-based) failed: when to try again, or null when it was the last one.
 */
export function nextAttemptAfter(attemptNo: number, now: number): number | null {
  const delay = RETRY_DELAYS_MS[attemptNo - 1];
  return delay === undefined ? null : now + delay;
}
