import { formatConsoleTime } from "@/lib/console/console-locale";
import type { FailingShopView } from "@/lib/console/failing-shops";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import type { Locale } from "@/lib/i18n/locale";
import { Cell, Table } from "./card";
import { CsrfField } from "./csrf-field";
import { DoctorNote } from "./notify-state";

/** Shops whose notifications fail, by name, with the doctor's class of the last failure and "resend all" each. */
export function FailingShopsTable({
  shops,
  m,
  locale,
  csrf,
}: {
  shops: FailingShopView[];
  m: ConsoleMessages;
  locale: Locale;
  csrf: string;
}) {
  if (shops.length === 0) return <p className="text-sm text-gray-600">{m.failingShopsNone}</p>;
  return (
    <Table
      label={m.failingShopsTitle}
      head={[m.colShop, m.colFailed, m.colRetrying, m.colOldest, m.colNext, m.colLastFailure, m.colAction]}
    >
      {shops.map((s) => (
        <tr key={s.appkey} data-testid={`failing-shop-${s.appkey}`}>
          <Cell>
            <span className="font-medium">{s.name}</span>
            <span className="block font-mono text-xs text-gray-600">{s.appkey}</span>
          </Cell>
          <Cell>{s.failed}</Cell>
          <Cell>{s.retrying}</Cell>
          <Cell>{formatConsoleTime(s.oldestAt)}</Cell>
          <Cell>{s.nextAttemptAt === null ? m.notApplicable : formatConsoleTime(s.nextAttemptAt)}</Cell>
          <Cell>{s.diagnosis ? <DoctorNote d={s.diagnosis} m={m} locale={locale} /> : m.notApplicable}</Cell>
          <Cell>
            <form method="post" action="/console/act/resend-shop">
              <CsrfField token={csrf} />
              <input type="hidden" name="appkey" value={s.appkey} />
              <input type="hidden" name="back" value="/console" />
              <button
                type="submit"
                className="rounded-lg border border-gray-300 px-3 py-1.5 whitespace-nowrap text-gray-800 hover:bg-gray-50"
                aria-label={`${m.resendShop} · ${s.name}`}
              >
                {m.resendShop}
              </button>
            </form>
          </Cell>
        </tr>
      ))}
    </Table>
  );
}
