/**
 * Days as Paydesk's operators count them: Beijing days (Asia/Shanghai, UTC+8, no daylight saving), whatever the
 * server's own time zone.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

/** The Beijing day number of a time: whole days since 1970-01-01 00:00 Beijing. */
export function shanghaiDay(at: number): number {
  return Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** When a Beijing day number starts, in epoch milliseconds. */
export function shanghaiDayStartMs(day: number): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}
