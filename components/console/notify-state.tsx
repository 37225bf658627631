import { formatConsoleTime } from "@/lib/console/console-locale";
import { diagnosisText, type NotifyState } from "@/lib/console/notify-status";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt, type Locale } from "@/lib/i18n/locale";
import type { Diagnosis } from "@/lib/merchant-notify/doctor";
import { StatusBadge } from "./status-badge";

/** The doctor's label (with its detail) and fix hint for a failed attempt, in the page's language. */
export function DoctorNote({ d, m, locale }: { d: Diagnosis | null; m: ConsoleMessages; locale: Locale }) {
  const t = diagnosisText(d, locale);
  if (!t) return null;
  return (
    <span className="block min-w-56 text-xs text-gray-700" data-testid="doctor-note">
      <span className="font-medium text-red-800">
        {m.doctorLabel}：{t.label}
        {t.detail ? `（${t.detail}）` : ""}
      </span>{" "}
      <span>
        {m.doctorHint}：{t.hint}
      </span>
    </span>
  );
}

/** A notification's state: 失败重试中 with the next attempt's time and the doctor's reading, or its plain status. */
export function NotifyStateView({ s, m, locale }: { s: NotifyState; m: ConsoleMessages; locale: Locale }) {
  return (
    <span className="inline-flex flex-col gap-1" data-testid="notify-state" data-state={s.key}>
      <span className="inline-flex flex-wrap items-center gap-2">
        <StatusBadge status={s.key} m={m} kind="notify" />
        {s.key === "retrying" && s.nextAttemptAt !== null ? (
          <span className="text-xs text-gray-700">
            {fmt(m.notifyNextAt, { at: formatConsoleTime(s.nextAttemptAt) })}
          </span>
        ) : null}
      </span>
      <DoctorNote d={s.diagnosis} m={m} locale={locale} />
    </span>
  );
}
