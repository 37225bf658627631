import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  shanghaiDateStart,
  shanghaiDay,
  shanghaiDayStart,
  shanghaiDayStartMs,
  shanghaiMinuteOfDay,
} from "./beijing-day";

/** 2026-11-22 12:00 Beijing (04:00 UTC). */
const NOON = Date.UTC(2026, 10, 22, 4, 0, 0);

describe("Beijing days", () => {
  it("a day starts at 16:00 UTC of the day before, whatever the server's zone", () => {
    expect(shanghaiDayStart(NOON)).toBe(Date.UTC(2026, 10, 21, 16, 0, 0));
    expect(shanghaiDayStartMs(shanghaiDay(NOON))).toBe(shanghaiDayStart(NOON));
    expect(shanghaiDateStart("2026-11-22")).toBe(shanghaiDayStart(NOON));
    // The last millisecond of the day still belongs to it; the next one starts the next day.
    const start = shanghaiDayStart(NOON);
    expect(shanghaiDay(start + DAY_MS - 1)).toBe(shanghaiDay(NOON));
    expect(shanghaiDay(start + DAY_MS)).toBe(shanghaiDay(NOON) + 1);
  });

  it("minutes of the day are Beijing minutes", () => {
    expect(shanghaiMinuteOfDay(NOON)).toBe(12 * 60);
    expect(shanghaiMinuteOfDay(NOON + 59_999)).toBe(12 * 60);
    expect(shanghaiMinuteOfDay(shanghaiDayStart(NOON))).toBe(0);
    expect(shanghaiMinuteOfDay(shanghaiDayStart(NOON) - 1)).toBe(1439);
  });
});
