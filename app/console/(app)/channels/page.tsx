import { Card, Cell, Table } from "@/components/console/card";
import { ChannelDetails } from "@/components/console/channel-details";
import { ConsoleShell } from "@/components/console/console-shell";
import { EpayV2KeyCard } from "@/components/console/epay-v2-key-card";
import { loadChannelHealth, type ChannelHealth } from "@/lib/console/channel-health";
import { formatConsoleTime } from "@/lib/console/console-locale";
import { requireConsoleUser } from "@/lib/console/page-auth";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt } from "@/lib/i18n/locale";
import { formatYuan } from "@/lib/money";

function rules(c: ChannelHealth, m: ConsoleMessages): string {
  const r = c.rules;
  if (!r) return m.rulesNone;
  const parts = [
    r.min_price ? `≥ ¥${r.min_price}` : "",
    r.max_price ? `≤ ¥${r.max_price}` : "",
    r.hours ? r.hours.join(", ") : "",
  ];
  return parts.filter(Boolean).join(" · ") || m.rulesNone;
}

function breaker(c: ChannelHealth, m: ConsoleMessages): string {
  if (c.breaker.open && c.breaker.openUntil)
    return fmt(m.breakerOpen, { until: formatConsoleTime(c.breaker.openUntil, "time") });
  return c.breaker.failures > 0 ? fmt(m.breakerFailing, { n: c.breaker.failures }) : m.breakerClosed;
}

function monitor(c: ChannelHealth, m: ConsoleMessages): string {
  if (!c.monitor) return m.notApplicable;
  if (c.monitor.lastSeenAt === null) return m.monitorNever;
  return `${c.monitor.online ? m.monitorOnline : m.monitorOffline} · ${formatConsoleTime(c.monitor.lastSeenAt)}`;
}

/**
 * Channels, read-only: provider, wallets, rules, today's activity, last payment, breaker, monitor liveness; then each
 * channel's health with reasons (last upstream error, today's upstream calls, breaker history, heartbeat).
 */
export default async function ChannelsPage() {
  const signedIn = await requireConsoleUser();
  const { ctx, scope, m } = signedIn;
  const channels = await loadChannelHealth(ctx, scope);
  return (
    <ConsoleShell page={signedIn} section="channels" selfPath="/console/channels">
      <h1 className="text-xl font-semibold text-gray-900">{m.channelsTitle}</h1>
      <p className="text-sm text-gray-700">{m.channelsIntro}</p>
      <Card title={m.channelsTitle} id="channels">
        <Table
          label={m.channelsTitle}
          head={[
            m.colChannel,
            m.colProvider,
            m.colType,
            m.colRules,
            m.colTodayOrders,
            m.colTodayAmount,
            m.colSuccess,
            m.colLastPayment,
            m.colBreaker,
            m.colMonitor,
          ]}
          // Many channels, ten columns, and each channel's card below repeats its health: a phone keeps the name,
          // today's amount and the breaker.
          priority={[0, 5, 8]}
        >
          {channels.map((c) => (
            <tr key={c.id} data-testid={`channel-${c.id}`}>
              <Cell mono>{c.id}</Cell>
              <Cell>{c.provider}</Cell>
              <Cell>{c.types.join(", ")}</Cell>
              <Cell>{rules(c, m)}</Cell>
              <Cell>{c.today.created}</Cell>
              <Cell>¥{formatYuan(c.today.paidFen)}</Cell>
              <Cell>{c.successRate === null ? m.notApplicable : `${Math.round(c.successRate * 100)}%`}</Cell>
              <Cell>{c.lastPaymentAt === null ? m.never : formatConsoleTime(c.lastPaymentAt)}</Cell>
              <Cell>{breaker(c, m)}</Cell>
              <Cell>
                <span data-testid="monitor-state">{monitor(c, m)}</span>
              </Cell>
            </tr>
          ))}
        </Table>
      </Card>
      {signedIn.session.account.role === "owner" ? <EpayV2KeyCard m={m} /> : null}
      <p className="text-sm text-gray-700">{m.channelsPerProcess}</p>
      <div className="grid gap-4 md:grid-cols-2">
        {channels.map((c) => (
          <ChannelDetails key={c.id} c={c} m={m} />
        ))}
      </div>
    </ConsoleShell>
  );
}
