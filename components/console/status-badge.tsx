import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";

const ORDER: Record<string, { cls: string; label: (m: ConsoleMessages) => string }> = {
  pending: { cls: "bg-amber-100 text-amber-900", label: (m) => m.statusPending },
  paid: { cls: "bg-green-100 text-green-900", label: (m) => m.statusPaid },
  expired: { cls: "bg-gray-200 text-gray-800", label: (m) => m.statusExpired },
  closed: { cls: "bg-gray-200 text-gray-800", label: (m) => m.statusClosed },
};

const NOTIFY: Record<string, { cls: string; label: (m: ConsoleMessages) => string }> = {
  pending: { cls: "bg-amber-100 text-amber-900", label: (m) => m.notifyPending },
  // A pending notification that has failed at least once (lib/console/notify-status.ts): it is not "on its way".
  retrying: { cls: "bg-orange-100 text-orange-900", label: (m) => m.notifyRetrying },
  delivered: { cls: "bg-green-100 text-green-900", label: (m) => m.notifyDelivered },
  failed: { cls: "bg-red-100 text-red-900", label: (m) => m.notifyFailed },
};

/** An order's public status, or a notification's, as a coloured pill (text colours meet WCAG AA on their backgrounds). */
export function StatusBadge({
  status,
  m,
  kind = "order",
}: {
  status: string;
  m: ConsoleMessages;
  kind?: "order" | "notify";
}) {
  const s = (kind === "order" ? ORDER : NOTIFY)[status];
  return (
    <span
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${s?.cls ?? "bg-gray-200 text-gray-800"}`}
    >
      {s ? s.label(m) : status}
    </span>
  );
}
