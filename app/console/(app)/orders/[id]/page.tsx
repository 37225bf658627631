import { forbidden, notFound } from "next/navigation";
import { Card } from "@/components/console/card";
import { ConsoleShell } from "@/components/console/console-shell";
import { CsrfField } from "@/components/console/csrf-field";
import { Flash } from "@/components/console/flash";
import { OrderTimelineList } from "@/components/console/order-timeline";
import { NotifyStateView } from "@/components/console/notify-state";
import { StatusBadge } from "@/components/console/status-badge";
import { loadOrderTimeline } from "@/lib/console/order-timeline";
import { refundPanel } from "@/lib/console/refund-actions";
import { canClose } from "@/lib/orders/lifecycle";
import { OpFlash, OrderOpsCard, RefundPanelCard, type RefundDraft } from "./refund-panel";
import { requireConsoleUser } from "@/lib/console/page-auth";
import { fmt } from "@/lib/i18n/locale";
import { formatYuan } from "@/lib/money";

type Params = Promise<{ id: string }>;
type Search = Promise<Record<string, string | string[] | undefined>>;

/** One order: its facts, the merchant notification's state with a resend button, and the full timeline. */
export default async function OrderPage({ params, searchParams }: { params: Params; searchParams: Search }) {
  const signedIn = await requireConsoleUser();
  const { ctx, scope, m, session } = signedIn;
  const { id } = await params;
  const q = await searchParams;
  const result = await loadOrderTimeline(ctx, scope, id);
  if (result.outcome === "forbidden") forbidden();
  if (result.outcome === "not_found") notFound();
  const { order, status, notification, notify, events } = result.timeline;
  const panel = await refundPanel(ctx, order);
  const str = (k: string) => (typeof q[k] === "string" ? (q[k] as string) : undefined);
  const draft: RefundDraft | null =
    str("refund_amount") === undefined
      ? null
      : {
          amount: str("refund_amount") ?? "",
          reason: (str("refund_reason") ?? "").trim(),
          note: (str("refund_note") ?? "").trim(),
        };
  const facts: [string, string][] = [
    [m.colMerchant, order.appkey],
    [m.colOutOrder, order.out_order_id],
    [m.colChannel, order.channel_id],
    [m.colType, order.type ?? m.notApplicable],
    [m.priceLabel, `¥${formatYuan(order.price_fen)}`],
    [m.payAmountLabel, `¥${formatYuan(order.pay_amount_fen)}`],
    [m.realLabel, order.real_fen === null ? m.notApplicable : `¥${formatYuan(order.real_fen)}`],
    [m.customLabel, order.custom || m.notApplicable],
  ];
  return (
    <ConsoleShell page={signedIn} section="orders" selfPath={`/console/orders/${order.id}`}>
      <h1 className="flex flex-wrap items-center gap-3 text-xl font-semibold text-gray-900">
        <span className="break-all">{fmt(m.orderTitle, { id: order.id })}</span>
        {status ? <StatusBadge status={status} m={m} /> : null}
      </h1>
      <Flash
        m={m}
        msg={typeof q.msg === "string" ? q.msg : undefined}
        refused={typeof q.refused === "string" ? q.refused : undefined}
      />
      <OpFlash m={m} op={str("op")} why={str("why")} />
      <Card title={m.orderFacts} id="facts">
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1.5 text-sm md:grid-cols-[auto_1fr_auto_1fr]">
          {facts.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-gray-600">{k}</dt>
              <dd className="break-all text-gray-900">{v}</dd>
            </div>
          ))}
        </dl>
      </Card>
      <Card title={m.notifyLabel} id="notify">
        <div className="flex flex-wrap items-center gap-4 text-sm">
          {notification ? (
            <>
              {notify ? <NotifyStateView s={notify} m={m} locale={signedIn.locale} /> : null}
              <span>
                {m.colAttempts}: {notification.attempts}
              </span>
              <span className="break-all font-mono text-xs text-gray-700">{notification.url}</span>
            </>
          ) : (
            <span className="text-gray-600">{m.notApplicable}</span>
          )}
          <form method="post" action="/console/act/resend" className="ml-auto">
            <CsrfField token={session.csrf} />
            <input type="hidden" name="order_id" value={order.id} />
            <button
              type="submit"
              disabled={!notification || notification.status === "delivered"}
              className="rounded-lg border border-gray-300 px-3 py-1.5 text-gray-800 hover:bg-gray-50 disabled:cursor-not-allowed disabled:text-gray-500"
            >
              {m.resend}
            </button>
          </form>
        </div>
      </Card>
      {order.status === "paid" || panel.refunds.length > 0 ? (
        <RefundPanelCard
          m={m}
          panel={panel}
          orderId={order.id}
          channelId={order.channel_id}
          csrf={session.csrf}
          draft={draft}
        />
      ) : null}
      <OrderOpsCard m={m} orderId={order.id} csrf={session.csrf} closable={canClose(order, ctx.now())} />
      <Card title={m.timeline} id="timeline">
        <OrderTimelineList events={events} m={m} locale={signedIn.locale} />
      </Card>
    </ConsoleShell>
  );
}
