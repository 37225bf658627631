import { shanghaiDayStart, shanghaiMinuteOfDay } from "@/lib/time/beijing-day";

/** A quiet-hours window in Beijing time, `HH:MM` to `HH:MM`; it may cross midnight (23:00 → 08:00). */
export interface QuietHours {
  from: string;
  to: string;
}

function minutes(clock: string): number {
  const [h = "0", m = "0"] = clock.split(":");
  return Number(h) * 60 + Number(m);
}

/**
 * When the quiet hours holding `now` end (epoch ms), or null when `now` is outside them (or there are none). A window
 * whose ends are equal is empty, not the whole day.
 */
export function quietUntil(now: number, quiet: QuietHours | undefined): number | null {
  if (!quiet) return null;
  const from = minutes(quiet.from);
  const to = minutes(quiet.to);
  if (from === to) return null;
  const minute = shanghaiMinuteOfDay(now);
  const midnight = shanghaiDayStart(now);
  if (from < to) return minute >= from && minute < to ? midnight + to * 60_000 : null;
  if (minute >= from) return midnight + 86_400_000 + to * 60_000;
  if (minute < to) return midnight + to * 60_000;
  return null;
}
