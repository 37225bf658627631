import { Card, Cell, Table } from "@/components/console/card";
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
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h1 className="text-xl font-semibold text-gray-900">{m.navOrders}</h1>
        <span className="flex gap-4">
          <a
            href={exportHref("orders", p)}
            className="text-sm text-[#1061d6] underline-offset-2 hover:underline"
            data-testid="export-orders"
          >
            {exportWords(signedIn.locale).exportCsv}
          </a>
          <a
            href={exportHref("refunds", { merchant: p.merchant, channel: p.channel, from: p.from, to: p.to })}
            className="text-sm text-[#1061d6] underline-offset-2 hover:underline"
            data-testid="export-refunds"
          >
            {exportWords(signedIn.locale).exportRefundsCsv}
          </a>
        </span>
      </div>
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
        <nav aria-label={m.navOrders} className="mt-4 flex gap-4 text-sm">
          {result.page > 1 ? (
            <a href={searchHref(p, result.page - 1)} className={link} rel="prev">
              {m.prevPage}
            </a>
          ) : null}
          {result.page < result.pages ? (
            <a href={searchHref(p, result.page + 1)} className={link} rel="next">
              {m.nextPage}
            </a>
          ) : null}
        </nav>
      </Card>
    </ConsoleShell>
  );
}
