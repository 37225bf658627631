import { consoleActionLabel } from "@/lib/console/action-label";
import { formatConsoleTime } from "@/lib/console/console-locale";
import type { TimelineEvent } from "@/lib/console/order-timeline";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt, type Locale } from "@/lib/i18n/locale";
import type { Diagnosis } from "@/lib/merchant-notify/doctor";
import { DoctorNote } from "./notify-state";
import { formatYuan } from "@/lib/money";
import { auditDetailLabel } from "@/lib/console/audit-detail-label";
import { attemptOutcomeLabel, paymentReasonLabel, paymentStatusLabel } from "@/lib/console/status-label";

/**
 * A payment's reason as the timeline gets it: the stored reason, then ` · #id ↔ #id status yuan, …` for the linked
 * payments of the same trade (lib/console/order-timeline.ts). The reason and each linked status are put in words.
 */
function paymentReasonText(m: ConsoleMessages, reason: string): string {
  const [head = "", ...rest] = reason.split(" · ");
  const links = (s: string) =>
    s.replace(/(#\d+) (\w+) /g, (_all, id: string, st: string) => `${id} ${paymentStatusLabel(m, st)} `);
  if (head.startsWith("#")) return links(reason);
  return [paymentReasonLabel(m, head), ...rest.map(links)].join(" · ");
}

function line(
  e: TimelineEvent,
  m: ConsoleMessages,
): { text: string; codes?: string[]; extra?: string; tone: string; diagnosis?: Diagnosis | null } {
  switch (e.kind) {
    case "created":
      return {
        text: fmt(m.evCreated, { channel: e.channel, amount: formatYuan(e.payAmountFen) }),
        extra: `${m.evPayload}: ${e.payload}`,
        tone: "bg-gray-400",
      };
    case "payment":
      return {
        text: fmt(m.evPayment, {
          amount: formatYuan(e.amountFen),
          channel: e.channel,
          trade: e.tradeNo,
          status: e.reason
            ? `${paymentStatusLabel(m, e.status)} · ${paymentReasonText(m, e.reason)}`
            : paymentStatusLabel(m, e.status),
        }),
        codes: [e.status, ...(e.reason ? [e.reason.split(" · ")[0]!].filter((r) => !r.startsWith("#")) : [])],
        extra: `${m.evProviderFields}: ${e.raw}`,
        tone: e.status === "applied" ? "bg-green-600" : "bg-amber-500",
      };
    case "state": {
      const text =
        e.status === "paid"
          ? e.late
            ? m.evStatePaidLate
            : m.evStatePaid
          : e.status === "expired"
            ? m.evStateExpired
            : m.evStateClosed;
      return { text, tone: e.status === "paid" ? "bg-green-600" : "bg-gray-500" };
    }
    case "notify_queued":
      return { text: fmt(m.evQueued, { url: e.url }), tone: "bg-blue-600" };
    case "attempt":
      return {
        text: fmt(m.evAttempt, {
          n: e.attemptNo,
          outcome: attemptOutcomeLabel(m, e.outcome),
          status: e.httpStatus ?? "—",
          ms: e.durationMs,
        }),
        codes: [e.outcome],
        extra: e.body,
        tone: e.outcome === "delivered" ? "bg-green-600" : "bg-red-600",
        diagnosis: e.diagnosis,
      };
    case "operator":
      return {
        text: fmt(m.evOperator, { user: e.user, action: consoleActionLabel(m, e.action) }),
        extra: [e.reason, e.detail === null ? null : auditDetailLabel(m, e.detail)].filter(Boolean).join(" · "),
        codes: [e.action],
        tone: "bg-purple-600",
      };
  }
}

/** An order's history, oldest first: created, payments, state changes, notification attempts, operator actions. */
export function OrderTimelineList({
  events,
  m,
  locale = "zh-CN",
}: {
  events: TimelineEvent[];
  m: ConsoleMessages;
  locale?: Locale;
}) {
  return (
    <ol className="space-y-3" data-testid="timeline">
      {events.map((e, i) => {
        const l = line(e, m);
        return (
          <li key={`${e.kind}-${e.at}-${i}`} className="flex gap-3" data-testid={`ev-${e.kind}`}>
            <span aria-hidden="true" className={`mt-1.5 size-2.5 shrink-0 rounded-full ${l.tone}`} />
            <div className="min-w-0 text-sm">
              <p className="text-gray-600">
                <time dateTime={new Date(e.at).toISOString()}>{formatConsoleTime(e.at)}</time>
              </p>
              <p className="text-gray-900">
                {l.text}
                {l.codes?.map((c) => (
                  <code key={c} title={m.codeTitle} className="ml-1 font-mono text-[11px] text-gray-500">
                    {c}
                  </code>
                ))}
              </p>
              {l.diagnosis ? <DoctorNote d={l.diagnosis} m={m} locale={locale} /> : null}
              {l.extra ? (
                <pre className="mt-1 overflow-x-auto rounded-md bg-gray-50 px-2 py-1 font-mono text-xs whitespace-pre-wrap break-all text-gray-800">
                  {l.extra}
                </pre>
              ) : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
