import { Card, Cell, Table } from "@/components/console/card";
import { ExportTitle } from "@/components/console/export-title";
import { Pager } from "@/components/console/pager";
import { exportHref, exportWords } from "@/lib/console/csv-export";
import { ConsoleShell } from "@/components/console/console-shell";
import { OrderSearchForm } from "@/components/console/order-search-form";
import { StatusBadge } from "@/components/console/status-badge";
import { formatConsoleTime } from "@/lib/console/console-locale";
import { findConsoleOrders, parseOrderSearch, searchHref } from "@/lib/console/order-search";
import { requireConsoleUser } from "@/lib/console/page-auth";
import { fmt } from "@/lib/i18n/locale";
import { effectiveStatus } from "@/lib/orders/lifecycle";
import { formatYuan } from "@/lib/money";

type Search = Promise<Record<string, string | string[] | undefined>>;

/** Orders search: our id, the shop's id, status, type, merchant, channel, date range; 25 per page. */
export default async function OrdersPage({ searchParams }: { searchParams: Search }) {
  const signedIn = await requireConsoleUser();
  const { ctx, scope, m } = signedIn;
  const p = parseOrderSearch(await searchParams);
  const result = await findConsoleOrders(ctx, scope, p);
  const now = ctx.now();
  const link = "text-[#1061d6] underline-offset-2 hover:underline";
  return (
    <ConsoleShell page={signedIn} section="orders" selfPath={searchHref(p, result.page)}>
      <ExportTitle
        title={m.navOrders}
        links={[
          { href: exportHref("orders", p), testId: "export-orders", label: exportWords(signedIn.locale).exportCsv },
          {
            href: exportHref("refunds", { merchant: p.merchant, channel: p.channel, from: p.from, to: p.to }),
            testId: "export-refunds",
            label: exportWords(signedIn.locale).exportRefundsCsv,
          },
        ]}
      />
      <Card title={m.searchOrders} id="search">
        <OrderSearchForm m={m} p={p} merchants={scope.merchants} channels={scope.channels.map((c) => c.id)} />
      </Card>
      <Card title={fmt(m.resultCount, { total: result.total, page: result.page, pages: result.pages })} id="results">
        {result.rows.length === 0 ? (
          <p className="text-sm text-gray-600">{m.noOrders}</p>
        ) : (
          <Table
            label={m.navOrders}
            head={[
              m.colOrder,
              m.colOutOrder,
              m.colMerchant,
              m.colChannel,
              m.colType,
              m.colAmount,
              m.colStatus,
              m.colCreated,
            ]}
          >
            {result.rows.map((o) => (
              <tr key={o.id} data-testid="order-row">
                <Cell mono>
                  <a href={`/console/orders/${o.id}`} className={link}>
                    {o.id}
                  </a>
                </Cell>
                <Cell mono>{o.out_order_id}</Cell>
                <Cell>{o.appkey}</Cell>
                <Cell>{o.channel_id}</Cell>
                <Cell>{o.type}</Cell>
                <Cell>¥{formatYuan(o.real_fen ?? o.pay_amount_fen)}</Cell>
                <Cell>
                  <StatusBadge status={effectiveStatus(o, now) ?? o.status} m={m} />
                </Cell>
                <Cell>{formatConsoleTime(o.created_at)}</Cell>
              </tr>
            ))}
          </Table>
        )}
        <Pager
          label={m.navOrders}
          page={result.page}
          pages={result.pages}
          href={(n) => searchHref(p, n)}
          prev={m.prevPage}
          next={m.nextPage}
        />
      </Card>
    </ConsoleShell>
  );
}
