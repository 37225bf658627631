import { doctorText, type DoctorText } from "@/lib/merchant-notify/doctor-hints";
import type { Locale } from "@/lib/i18n/locale";
import { parseDoctorCode, type Diagnosis } from "@/lib/merchant-notify/doctor";
import type { NotificationStatus } from "@/lib/storage/records";

/**
 * How the console names a shop notification's state (issue 20): a pending one that has failed at least once is
 * "retrying after a failure" with its next attempt's time and the doctor's reading of the last failure, never
 * "sending", so a shop that answers `fail` every time does not look as if it were on its way.
 */
export type NotifyStateKey = "pending" | "retrying" | "delivered" | "failed";

export interface NotifyState {
  key: NotifyStateKey;
  /** The next attempt (retrying, or pending not yet tried), null when none is coming. */
  nextAttemptAt: number | null;
  /** The doctor's class of the latest failed attempt, when there was one. */
  diagnosis: Diagnosis | null;
}

export function notifyState(
  n: { status: NotificationStatus; attempts: number; next_attempt_at: number },
  lastDoctorCode: string | null | undefined,
): NotifyState {
  const diagnosis = parseDoctorCode(lastDoctorCode);
  if (n.status === "delivered") return { key: "delivered", nextAttemptAt: null, diagnosis: null };
  if (n.status === "failed") return { key: "failed", nextAttemptAt: null, diagnosis };
  // A resend resets `attempts` to 0: what failed before it is history, and the next attempt is a fresh start.
  if (n.attempts > 0) return { key: "retrying", nextAttemptAt: n.next_attempt_at, diagnosis };
  return { key: "pending", nextAttemptAt: n.next_attempt_at, diagnosis: null };
}

/** The doctor's label and hint for a state, in the page's language (null without a diagnosis). */
export function diagnosisText(d: Diagnosis | null, locale: Locale): (DoctorText & { detail: string | null }) | null {
  return d ? { ...doctorText(d, locale), detail: d.detail } : null;
}
