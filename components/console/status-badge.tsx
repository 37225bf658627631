import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { notifyStateLabel, orderStatusLabel } from "@/lib/console/status-label";

const ORDER: Record<string, string> = {
  pending: "bg-amber-100 text-amber-900",
  paid: "bg-green-100 text-green-900",
  expired: "bg-gray-200 text-gray-800",
  closed: "bg-gray-200 text-gray-800",
};

const NOTIFY: Record<string, string> = {
  pending: "bg-amber-100 text-amber-900",
  // A pending notification that has failed at least once (lib/console/notify-status.ts): it is not "on its way".
  retrying: "bg-orange-100 text-orange-900",
  delivered: "bg-green-100 text-green-900",
  failed: "bg-red-100 text-red-900",
};

/**
 * An order's public status, or a notification's, as a coloured pill (text colours meet WCAG AA on their backgrounds).
 * The pill is the one place a code is not printed beside its label (it would crowd the phone's list): the code is in
 * its title and `data-status`.
 */
export function StatusBadge({
  status,
  m,
  kind = "order",
}: {
  status: string;
  m: ConsoleMessages;
  kind?: "order" | "notify";
}) {
  const cls = (kind === "order" ? ORDER : NOTIFY)[status] ?? "bg-gray-200 text-gray-800";
  return (
    <span
      title={status}
      data-status={status}
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${cls}`}
    >
      {kind === "order" ? orderStatusLabel(m, status) : notifyStateLabel(m, status)}
    </span>
  );
}
