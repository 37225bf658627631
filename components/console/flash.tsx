import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt } from "@/lib/i18n/locale";

type MessageKey =
  | "resendQueued"
  | "resendNothing"
  | "credited"
  | "dismissed"
  | "resendShopQueued"
  | "resendShopNothing"
  | "testAlertQueued";
const MESSAGE_KEYS: readonly MessageKey[] = [
  "resendQueued",
  "resendNothing",
  "credited",
  "dismissed",
  "resendShopQueued",
  "resendShopNothing",
  "testAlertQueued",
];

/**
 * The outcome of the last action, carried in the redirect's query (`msg` or `refused`); `values` fill the message's
 * placeholders (digits only: they come from the URL).
 */
export function Flash({
  m,
  msg,
  refused,
  values = {},
}: {
  m: ConsoleMessages;
  msg?: string;
  refused?: string;
  values?: Record<string, string | undefined>;
}) {
  const digits = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, (v ?? "").replace(/\D/g, "")]));
  if (msg && (MESSAGE_KEYS as readonly string[]).includes(msg)) {
    return (
      <p
        role="status"
        data-testid="flash"
        className="rounded-xl border border-green-300 bg-green-50 px-4 py-2 text-sm text-green-900"
      >
        {fmt(m[msg as MessageKey], digits)}
      </p>
    );
  }
  if (refused) {
    const why =
      refused === "reason_required"
        ? m.reasonRequired
        : refused === "unknown_sink"
          ? m.testAlertUnknownSink
          : refused.replaceAll(/[^a-z_]/g, "");
    return (
      <p
        role="alert"
        data-testid="flash"
        className="rounded-xl border border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900"
      >
        {fmt(m.actionRefused, { why })}
      </p>
    );
  }
  return null;
}
