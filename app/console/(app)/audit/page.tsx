import { Card, Cell, Table } from "@/components/console/card";
import { ExportTitle } from "@/components/console/export-title";
import { Pager } from "@/components/console/pager";
import { exportHref, exportWords } from "@/lib/console/csv-export";
import { ConsoleShell } from "@/components/console/console-shell";
import { formatConsoleTime } from "@/lib/console/console-locale";
import { requireConsoleUser } from "@/lib/console/page-auth";
import { consoleActionLabel } from "@/lib/console/action-label";
import { fmt } from "@/lib/i18n/locale";
import { auditDetailLabel } from "@/lib/console/audit-detail-label";
import { CodedLabel } from "@/components/console/coded-label";

type Search = Promise<Record<string, string | string[] | undefined>>;
const PAGE = 50;

/** Every operator action the signed-in user may see (their merchants', and their own logins). */
export default async function AuditPage({ searchParams }: { searchParams: Search }) {
  const signedIn = await requireConsoleUser();
  const { ctx, scope, m } = signedIn;
  const raw = Number((await searchParams).page ?? 1);
  const page = Number.isSafeInteger(raw) && raw >= 1 ? raw : 1;
  const { rows, total } = await ctx.repos.consoleAudit.listAuditEntries(
    { appkeys: scope.appkeys, userName: scope.userName },
    { limit: PAGE, offset: (page - 1) * PAGE },
  );
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const link = "text-[#1061d6] underline-offset-2 hover:underline";
  return (
    <ConsoleShell page={signedIn} section="audit" selfPath="/console/audit">
      <ExportTitle
        title={m.auditTitle}
        links={[
          { href: exportHref("audit", {}), testId: "export-audit", label: exportWords(signedIn.locale).exportCsv },
        ]}
      />
      <Card title={fmt(m.resultCount, { total, page, pages })} id="audit">
        {rows.length === 0 ? (
          <p className="text-sm text-gray-600">{m.auditNone}</p>
        ) : (
          <Table
            label={m.auditTitle}
            head={[m.colTime, m.colUser, m.colAction, m.colMerchant, m.colOrder, m.colReason, m.colDetail]}
          >
            {rows.map((r) => (
              <tr key={r.id} data-testid="audit-row">
                <Cell>{formatConsoleTime(r.at)}</Cell>
                <Cell>{r.user_name}</Cell>
                <Cell>
                  <CodedLabel label={consoleActionLabel(m, r.action)} code={r.action} codeTitle={m.codeTitle} />
                </Cell>
                <Cell>{r.appkey ?? m.notApplicable}</Cell>
                <Cell mono>
                  {r.order_id ? (
                    <a href={`/console/orders/${r.order_id}`} className={link}>
                      {r.order_id}
                    </a>
                  ) : (
                    m.notApplicable
                  )}
                </Cell>
                <Cell>{r.reason ?? m.notApplicable}</Cell>
                <Cell>{r.detail === null ? "" : <span title={r.detail}>{auditDetailLabel(m, r.detail)}</span>}</Cell>
              </tr>
            ))}
          </Table>
        )}
        <Pager
          label={m.auditTitle}
          page={page}
          pages={pages}
          href={(n) => `/console/audit?page=${n}`}
          prev={m.prevPage}
          next={m.nextPage}
        />
      </Card>
    </ConsoleShell>
  );
}
