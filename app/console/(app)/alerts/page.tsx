import { AlertHistoryTable } from "@/components/console/alert-history";
import { Pager } from "@/components/console/pager";
import { AlertSinksTable } from "@/components/console/alert-sinks";
import { Card } from "@/components/console/card";
import { ConsoleShell } from "@/components/console/console-shell";
import { Flash } from "@/components/console/flash";
import { canSeeAlerts, loadAlertsPage, type AlertsPageModel } from "@/lib/console/alerts-page";
import { requireConsoleUser } from "@/lib/console/page-auth";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt } from "@/lib/i18n/locale";

type Search = Promise<Record<string, string | string[] | undefined>>;
const str = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

function sevName(s: string, m: ConsoleMessages): string {
  return s === "critical" ? m.sevCritical : s === "warning" ? m.sevWarning : m.sevInfo;
}

/** Quiet hours and triggers as the settings file has them (read-only: a later issue makes them editable). */
function Settings({ a, m }: { a: AlertsPageModel; m: ConsoleMessages }) {
  const q = a.quietHours;
  const t = a.triggers;
  const rows: [string, string][] = [
    [
      m.quietHoursLabel,
      q ? fmt(m.quietHoursValue, { from: q.from, to: q.to, allow: sevName(q.allow, m) }) : m.quietHoursNone,
    ],
    [
      m.triggersLabel,
      fmt(m.triggersValue, {
        n: t.notify_failures_in_row,
        m: t.notify_oldest_minutes,
        hour:
          t.daily_summary_hour === null
            ? m.summaryOff
            : fmt(m.summaryAt, { hour: String(t.daily_summary_hour).padStart(2, "0") }),
      }),
    ],
  ];
  return (
    <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-1.5 text-sm md:grid-cols-[auto_1fr]">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-gray-600">{k}</dt>
          <dd className="text-gray-900">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Alerts: the sinks (secrets masked) with a test alert each, quiet hours and triggers, and the alert history. */
export default async function AlertsPage({ searchParams }: { searchParams: Search }) {
  const signedIn = await requireConsoleUser();
  const { ctx, scope, m, session } = signedIn;
  const q = await searchParams;
  if (!canSeeAlerts(scope))
    return (
      <ConsoleShell page={signedIn} section="alerts" selfPath="/console/alerts">
        <h1 className="text-xl font-semibold text-gray-900">{m.alertsTitle}</h1>
        <p className="rounded-xl border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900" role="note">
          {m.alertsAdminOnly}
        </p>
      </ConsoleShell>
    );
  const a = await loadAlertsPage(ctx, Number(str(q.page) ?? "1"));
  const highlight = Number(str(q.alert)) || null;
  // A test alert just sent: refresh until its delivery has answered (the outbox sends it within a second or two).
  const waiting = a.history.some(
    (h) => h.id === highlight && h.deliveries.some((d) => d.status === "pending" && d.attempts === 0),
  );
  const pageHref = (n: number) => `/console/alerts?page=${n}`;
  return (
    <ConsoleShell page={signedIn} section="alerts" selfPath={pageHref(a.page)}>
      {waiting ? <meta httpEquiv="refresh" content="2" /> : null}
      <h1 className="text-xl font-semibold text-gray-900">{m.alertsTitle}</h1>
      <p className="rounded-xl border border-blue-200 bg-blue-50 px-4 py-2 text-sm text-blue-950" role="note">
        {m.alertsFileNote}
      </p>
      <Flash m={m} msg={str(q.msg)} refused={str(q.refused)} values={{ id: str(q.alert) }} />
      <Card title={m.sinksTitle} id="sinks">
        <AlertSinksTable sinks={a.sinks} m={m} csrf={session.csrf} />
        <Settings a={a} m={m} />
      </Card>
      <Card
        title={m.historyTitle}
        id="history"
        action={
          <span className="text-sm text-gray-600">
            {fmt(m.historyCount, { total: a.total, page: a.page, pages: a.pages })}
          </span>
        }
      >
        <AlertHistoryTable alerts={a.history} m={m} highlight={highlight} />
        <Pager
          label={m.historyTitle}
          page={a.page}
          pages={a.pages}
          href={pageHref}
          prev={m.prevPage}
          next={m.nextPage}
        />
      </Card>
    </ConsoleShell>
  );
}
