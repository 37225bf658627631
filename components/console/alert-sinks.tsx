import type { SinkView } from "@/lib/console/alerts-page";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { Cell, Table } from "./card";
import { CsrfField } from "./csrf-field";
import { SeverityText } from "./alert-history";

const TYPE_NAMES: Record<SinkView["type"], string> = {
  webhook: "Webhook",
  wecom: "企业微信 WeCom",
  dingtalk: "钉钉 DingTalk",
  telegram: "Telegram",
  email: "E-mail (SMTP)",
};

/** The configured sinks, secrets masked, each with "发送测试告警" (a form POST through the outbox). */
export function AlertSinksTable({ sinks, m, csrf }: { sinks: SinkView[]; m: ConsoleMessages; csrf: string }) {
  if (sinks.length === 0) return <p className="text-sm text-gray-600">{m.sinksNone}</p>;
  return (
    <Table
      label={m.sinksTitle}
      head={[m.colSink, m.colSinkType, m.colSettings, m.colMinSeverity, m.colRate, m.colAction]}
    >
      {sinks.map((s) => (
        <tr key={s.id} data-testid={`sink-${s.id}`}>
          <Cell mono>
            <span className="whitespace-nowrap">{s.id}</span>
            {s.enabled ? null : <span className="ml-2 text-gray-600">({m.sinkDisabled})</span>}
          </Cell>
          <Cell>{TYPE_NAMES[s.type]}</Cell>
          <Cell>
            <dl className="grid min-w-64 grid-cols-[auto_1fr] gap-x-3 font-mono text-xs">
              {s.fields.map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-gray-600">{k}</dt>
                  <dd className="break-all text-gray-900">{v}</dd>
                </div>
              ))}
            </dl>
          </Cell>
          <Cell>
            <SeverityText severity={s.minSeverity} m={m} />
          </Cell>
          <Cell>{s.ratePerHour}</Cell>
          <Cell>
            <form method="post" action="/console/act/test-alert">
              <CsrfField token={csrf} />
              <input type="hidden" name="sink" value={s.id} />
              <button
                type="submit"
                disabled={!s.enabled}
                aria-label={`${m.sendTestAlert} · ${s.id}`}
                className="rounded-lg border border-gray-300 px-3 py-1.5 whitespace-nowrap text-gray-800 hover:bg-gray-50 disabled:cursor-not-allowed disabled:text-gray-500"
              >
                {m.sendTestAlert}
              </button>
            </form>
          </Cell>
        </tr>
      ))}
    </Table>
  );
}
