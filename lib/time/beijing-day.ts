/**
 * Days as Paydesk's operators count them: Beijing days (Asia/Shanghai, UTC+8, no daylight saving), whatever the
 * server's own time zone. The one home of this arithmetic: daily quotas, "collected today" (rotation and epay's
 * query), collection hours, and the console's day filters and charts all count the same days.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The Beijing day number of a time: whole days since 1970-01-01 00:00 Beijing. */
export function shanghaiDay(at: number): number {
  return Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** When a Beijing day number starts, in epoch milliseconds. */
export function shanghaiDayStartMs(day: number): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** Midnight of the Beijing day holding `now`, in epoch milliseconds (for "collected today", daily quotas). */
export function shanghaiDayStart(now: number): number {
  return shanghaiDayStartMs(shanghaiDay(now));
}

/** Minutes since Beijing midnight (0 … 1439), for collection hours such as "08:00-23:30". */
export function shanghaiMinuteOfDay(now: number): number {
  return Math.floor((now - shanghaiDayStart(now)) / MINUTE_MS);
}

/** Midnight Beijing of a `YYYY-MM-DD` date (the console's day filters), in epoch milliseconds. */
export function shanghaiDateStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS;
}
