import { Card, Cell, Table } from "@/components/console/card";
import { ConsoleShell } from "@/components/console/console-shell";
import { PaidChart } from "@/components/console/paid-chart";
import { FailingShopsTable } from "@/components/console/failing-shops-table";
import { Flash } from "@/components/console/flash";
import { NotifyStateView } from "@/components/console/notify-state";
import { loadOverview, type Overview, type PaidSeries } from "@/lib/console/overview";
import { formatConsoleTime } from "@/lib/console/console-locale";
import { requireConsoleUser } from "@/lib/console/page-auth";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt } from "@/lib/i18n/locale";
import { formatYuan } from "@/lib/money";
import { CodedLabel } from "@/components/console/coded-label";
import { paymentReasonLabel, paymentStatusLabel } from "@/lib/console/status-label";

type Search = Promise<Record<string, string | string[] | undefined>>;
const str = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

function SeriesTable({
  id,
  title,
  rows,
  days,
  m,
}: {
  id: string;
  title: string;
  rows: PaidSeries[];
  days: string[];
  m: ConsoleMessages;
}) {
  return (
    <Card title={title} id={id}>
      <Table
        label={title}
        head={[
          title,
          `${m.today} · ${m.paidCount}`,
          `${m.today} · ${m.paidAmount}`,
          `${m.last14Days} · ${m.paidCount}`,
          `${m.last14Days} · ${m.paidAmount}`,
          m.last14Days,
        ]}
        // Six short figures per row, many rows: a narrow table (name, today's amount, the chart) beats long cards.
        priority={[0, 2, 5]}
      >
        {rows.map((r) => {
          const total = r.days.reduce((a, d) => ({ count: a.count + d.count, fen: a.fen + d.fen }), {
            count: 0,
            fen: 0,
          });
          return (
            <tr key={r.key} data-testid={`${id}-${r.key}`}>
              <Cell>{r.label}</Cell>
              <Cell>{r.today.count}</Cell>
              <Cell>¥{formatYuan(r.today.fen)}</Cell>
              <Cell>{total.count}</Cell>
              <Cell>¥{formatYuan(total.fen)}</Cell>
              <Cell>
                <PaidChart
                  days={days}
                  values={r.days}
                  label={fmt(m.chartLabel, { name: r.label, amount: formatYuan(total.fen) })}
                />
              </Cell>
            </tr>
          );
        })}
      </Table>
    </Card>
  );
}

/** Today's and 14 days' totals over every merchant the operator sees, plus what needs attention now. */
function Totals({ o, m }: { o: Overview; m: ConsoleMessages }) {
  const sum = (pick: (s: PaidSeries) => { count: number; fen: number }[]) =>
    o.byMerchant
      .flatMap(pick)
      .reduce((a, d) => ({ count: a.count + d.count, fen: a.fen + d.fen }), { count: 0, fen: 0 });
  const today = sum((s) => [s.today]);
  const days = sum((s) => s.days);
  const tiles: [string, string, string][] = [
    ["today", `${m.today} · ${m.paidAmount}`, `¥${formatYuan(today.fen)} · ${today.count}`],
    ["days", `${m.last14Days} · ${m.paidAmount}`, `¥${formatYuan(days.fen)} · ${days.count}`],
    ["failing", m.failingNow, String(o.failing.length)],
    ["review", m.waitingReview, String(o.review.length)],
  ];
  return (
    <dl className="grid grid-cols-2 gap-4 md:grid-cols-4">
      {tiles.map(([key, label, value]) => (
        <div key={key} className="rounded-2xl bg-white p-4 shadow-sm" data-testid={`total-${key}`}>
          <dt className="text-sm text-gray-600">{label}</dt>
          <dd className="mt-1 text-xl font-semibold text-gray-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Overview: paid today and over 14 days per merchant and channel, failing notifications, payments for review. */
export default async function OverviewPage({ searchParams }: { searchParams: Search }) {
  const signedIn = await requireConsoleUser();
  const { ctx, scope, m, locale, session } = signedIn;
  const q = await searchParams;
  const o = await loadOverview(ctx, scope);
  return (
    <ConsoleShell page={signedIn} section="overview" selfPath="/console">
      <h1 className="text-xl font-semibold text-gray-900">{m.navOverview}</h1>
      <Totals o={o} m={m} />
      <SeriesTable id="by-merchant" title={m.byMerchant} rows={o.byMerchant} days={o.days} m={m} />
      <SeriesTable id="by-channel" title={m.byChannel} rows={o.byChannel} days={o.days} m={m} />
      <Flash m={m} msg={str(q.msg)} refused={str(q.refused)} values={{ n: str(q.n) }} />
      <Card title={m.failingShopsTitle} id="failing-shops">
        <FailingShopsTable shops={o.failingShops} m={m} locale={locale} csrf={session.csrf} />
      </Card>
      <Card title={m.failingOrdersTitle} id="failing">
        {o.failing.length === 0 ? (
          <p className="text-sm text-gray-600">{m.failingNone}</p>
        ) : (
          <Table label={m.failingNow} head={[m.colOrder, m.colMerchant, m.colStatus, m.colAttempts]}>
            {o.failing.map((f) => (
              <tr key={f.order_id}>
                <Cell mono>
                  <a
                    href={`/console/orders/${f.order_id}`}
                    className="text-[#1061d6] underline-offset-2 hover:underline"
                  >
                    {f.order_id}
                  </a>
                </Cell>
                <Cell>{f.shopName}</Cell>
                <Cell>
                  <NotifyStateView s={f.notify} m={m} locale={locale} />
                </Cell>
                <Cell>{f.attempts}</Cell>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      <Card
        title={m.waitingReview}
        id="review"
        action={
          <a href="/console/review" className="text-sm text-[#1061d6] underline-offset-2 hover:underline">
            {m.seeAll}
          </a>
        }
      >
        {o.review.length === 0 ? (
          <p className="text-sm text-gray-600">{m.reviewNone}</p>
        ) : (
          <Table label={m.waitingReview} head={[m.colReceived, m.colChannel, m.colAmount, m.colReason, m.colOrder]}>
            {o.review.map((p) => (
              <tr key={p.id}>
                <Cell>{formatConsoleTime(p.received_at)}</Cell>
                <Cell>{p.channel_id}</Cell>
                <Cell>¥{formatYuan(p.amount_fen)}</Cell>
                <Cell>
                  <CodedLabel
                    label={p.reason ? paymentReasonLabel(m, p.reason) : paymentStatusLabel(m, p.status)}
                    code={p.reason ?? p.status}
                    codeTitle={m.codeTitle}
                  />
                </Cell>
                <Cell mono>{p.order_id ?? m.notApplicable}</Cell>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </ConsoleShell>
  );
}
