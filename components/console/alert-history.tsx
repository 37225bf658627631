import { formatConsoleTime } from "@/lib/console/console-locale";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt } from "@/lib/i18n/locale";
import type { AlertWithDeliveries } from "@/lib/storage/console-ops-repo";
import { Cell, Table } from "./card";

const KINDS: Record<string, (m: ConsoleMessages) => string> = {
  raised: (m) => m.kindRaised,
  recovered: (m) => m.kindRecovered,
  event: (m) => m.kindEvent,
  summary: (m) => m.kindSummary,
  test: (m) => m.kindTest,
};

const SEVERITIES: Record<string, { cls: string; label: (m: ConsoleMessages) => string }> = {
  info: { cls: "bg-gray-200 text-gray-800", label: (m) => m.sevInfo },
  warning: { cls: "bg-amber-100 text-amber-900", label: (m) => m.sevWarning },
  critical: { cls: "bg-red-100 text-red-900", label: (m) => m.sevCritical },
};

const DELIVERY: Record<string, { cls: string; label: (m: ConsoleMessages) => string }> = {
  pending: { cls: "text-amber-900", label: (m) => m.deliveryPending },
  delivered: { cls: "text-green-800", label: (m) => m.deliveryDelivered },
  failed: { cls: "text-red-800", label: (m) => m.deliveryFailed },
};

export function SeverityText({ severity, m }: { severity: string; m: ConsoleMessages }) {
  const s = SEVERITIES[severity];
  return (
    <span
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${s?.cls ?? "bg-gray-200 text-gray-800"}`}
    >
      {s ? s.label(m) : severity}
    </span>
  );
}

/** The alert history: when, condition, raised/recovered, severity, the message, and each sink's delivery and answer. */
export function AlertHistoryTable({
  alerts,
  m,
  highlight,
}: {
  alerts: AlertWithDeliveries[];
  m: ConsoleMessages;
  highlight: number | null;
}) {
  if (alerts.length === 0) return <p className="text-sm text-gray-600">{m.historyNone}</p>;
  return (
    <Table
      label={m.historyTitle}
      head={[m.colTime, m.colCondition, m.colKind, m.colSeverity, m.colTitle, m.colDeliveries]}
    >
      {alerts.map((a) => (
        <tr key={a.id} data-testid={`alert-${a.id}`} className={a.id === highlight ? "bg-blue-50" : undefined}>
          <Cell>
            <span className="whitespace-nowrap">{formatConsoleTime(a.created_at)}</span>
            <span className="block text-xs text-gray-600">#{a.id}</span>
          </Cell>
          <Cell mono>
            <span className="whitespace-nowrap">{a.condition ?? m.notApplicable}</span>
          </Cell>
          <Cell>{KINDS[a.kind]?.(m) ?? a.kind}</Cell>
          <Cell>
            <SeverityText severity={a.severity} m={m} />
          </Cell>
          <Cell>
            <span className="block min-w-56 font-medium">{a.title}</span>
            {a.body ? <span className="block text-xs whitespace-pre-wrap text-gray-700">{a.body}</span> : null}
          </Cell>
          <Cell>
            {a.deliveries.length === 0 ? (
              <span className="text-gray-600">{m.deliveryNoSinks}</span>
            ) : (
              <ul className="min-w-56 space-y-1.5">
                {a.deliveries.map((d) => {
                  const st = DELIVERY[d.status];
                  return (
                    <li key={d.id} data-testid={`delivery-${d.sink_id}`} data-status={d.status}>
                      <span className={`font-medium ${st?.cls ?? ""}`}>
                        {fmt(m.deliveryLine, { sink: d.sink_id, status: st ? st.label(m) : d.status, n: d.attempts })}
                      </span>
                      {d.status === "pending" && d.attempts > 0 ? (
                        <span className="ml-1 text-xs text-gray-700">
                          {fmt(m.deliveryNext, { at: formatConsoleTime(d.next_attempt_at) })}
                        </span>
                      ) : null}
                      {d.last_answer ? (
                        <code className="mt-0.5 block max-w-md rounded bg-gray-50 px-1.5 py-0.5 text-xs break-all text-gray-800">
                          {d.last_answer}
                        </code>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            )}
          </Cell>
        </tr>
      ))}
    </Table>
  );
}
