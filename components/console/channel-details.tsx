import { formatConsoleTime } from "@/lib/console/console-locale";
import type { ChannelHealth } from "@/lib/console/channel-health";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt } from "@/lib/i18n/locale";
import { formatYuan } from "@/lib/money";

/** One channel's health with reasons: last upstream error, today's upstream calls, breaker history, heartbeat, budget. */
/** Orders and amount today against the budget, and a rest if the channel is resting. */
function budgetText(b: ChannelHealth["budget"], m: ConsoleMessages): string {
  const l = b.limits;
  const parts = [
    fmt(m.budgetOrders, { used: b.ordersToday, limit: l?.dailyOrders ?? m.budgetUnlimited }),
    fmt(m.budgetAmount, {
      used: formatYuan(b.amountTodayFen),
      limit: l?.dailyAmountFen != null ? `¥${formatYuan(l.dailyAmountFen)}` : m.budgetUnlimited,
    }),
  ];
  if (b.atBudget) parts.push(m.budgetAtLimit);
  if (b.restingUntil !== null)
    parts.push(fmt(m.budgetResting, { until: formatConsoleTime(b.restingUntil), reason: b.restReason ?? "" }));
  return parts.join(" · ");
}

export function ChannelDetails({ c, m }: { c: ChannelHealth; m: ConsoleMessages }) {
  const rows: [string, string, string][] = [
    [
      "last-error",
      m.colLastError,
      c.lastError
        ? `${c.lastError.text}${c.lastError.at === null ? "" : ` · ${formatConsoleTime(c.lastError.at)}`}`
        : m.never,
    ],
    ["upstream", m.colUpstreamToday, fmt(m.upstreamTodayValue, { ok: c.upstream.ok, failed: c.upstream.failed })],
    [
      "breaker-history",
      m.colBreakerHistory,
      c.breaker.history.length === 0
        ? m.never
        : c.breaker.history
            .map((e) => fmt(e.kind === "open" ? m.breakerOpened : m.breakerClosedAt, { at: formatConsoleTime(e.at) }))
            .join("；"),
    ],
  ];
  if (c.monitor)
    rows.push([
      "heartbeat",
      m.colHeartbeat,
      c.monitor.lastSeenAt === null
        ? m.monitorNever
        : `${c.monitor.online ? m.monitorOnline : m.monitorOffline} · ${formatConsoleTime(c.monitor.lastSeenAt)}`,
    ]);
  rows.push(["budget", m.colBudget, budgetText(c.budget, m)]);
  return (
    <section
      aria-labelledby={`health-${c.id}`}
      className="rounded-2xl bg-white p-4 shadow-sm"
      data-testid={`health-${c.id}`}
    >
      <h3 id={`health-${c.id}`} className="mb-2 font-mono text-sm font-semibold text-gray-900">
        {c.id} <span className="font-sans font-normal text-gray-600">({c.provider})</span>
      </h3>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {rows.map(([key, k, v]) => (
          <div key={key} className="contents" data-testid={`${key}`}>
            <dt className="whitespace-nowrap text-gray-600">{k}</dt>
            <dd className="break-all text-gray-900">{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
