import type { ReactNode } from "react";
import { ExportTitle } from "@/components/console/export-title";
import { exportHref, exportWords } from "@/lib/console/csv-export";
import { Card } from "@/components/console/card";
import { ConsoleShell } from "@/components/console/console-shell";
import { CsrfField } from "@/components/console/csrf-field";
import { Flash } from "@/components/console/flash";
import { canSeeMerchant, channelIdsInScope } from "@/lib/console/console-scope";
import { reviewItem } from "@/lib/console/review-candidates";
import { formatConsoleTime } from "@/lib/console/console-locale";
import { requireConsoleUser } from "@/lib/console/page-auth";
import { fmt } from "@/lib/i18n/locale";
import { formatYuan } from "@/lib/money";
import { CodedLabel } from "@/components/console/coded-label";
import { orderStatusLabel, paymentReasonLabel, paymentStatusLabel } from "@/lib/console/status-label";

type Search = Promise<Record<string, string | string[] | undefined>>;
const input = "mt-1 block w-full rounded-lg border border-gray-300 px-2 py-1.5";

/** A difference of amounts: `+¥0.01`, `-¥0.01`, `¥0.00`. */
const signedYuan = (fen: number) => `${fen > 0 ? "+" : fen < 0 ? "-" : ""}¥${formatYuan(Math.abs(fen))}`;

/** One action on a payment under review: posts the payment id, the CSRF token, the way back and a reason. */
function PaymentActionForm(props: {
  action: string;
  csrf: string;
  paymentId: number;
  reasonLabel: string;
  fields?: ReactNode;
  children: ReactNode;
}) {
  return (
    <form method="post" action={props.action} className="space-y-2 rounded-xl border border-gray-200 p-3">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="payment_id" value={props.paymentId} />
      <input type="hidden" name="back" value="/console/review" />
      {props.fields}
      <label className="block">
        <span className="text-gray-700">{props.reasonLabel}</span>
        <input name="reason" required maxLength={500} className={input} />
      </label>
      {props.children}
    </form>
  );
}

/** Payments kept for review: each can be credited to an order or dismissed, both with a reason (audit-logged). */
export default async function ReviewPage({ searchParams }: { searchParams: Search }) {
  const signedIn = await requireConsoleUser();
  const { ctx, scope, m, session } = signedIn;
  const q = await searchParams;
  const payments = await ctx.repos.payments.listReviewPaymentsInScope(
    { appkeys: scope.appkeys, channelIds: channelIdsInScope(scope) },
    100,
  );
  const items = await Promise.all(payments.map((p) => reviewItem(ctx, scope, p)));
  // The confirmation step (a GET back here): which payment, to which order.
  const confirmId = typeof q.confirm === "string" ? Number(q.confirm) : null;
  const confirmOrderId = typeof q.order === "string" ? q.order.trim() : "";
  const found = confirmId !== null && confirmOrderId ? await ctx.repos.orders.findOrderById(confirmOrderId) : undefined;
  const confirmOrder = found && canSeeMerchant(scope, found.appkey) ? found : undefined;
  return (
    <ConsoleShell page={signedIn} section="review" selfPath="/console/review">
      <ExportTitle
        title={m.reviewTitle}
        links={[
          {
            href: exportHref("payments", {}),
            testId: "export-payments",
            label: exportWords(signedIn.locale).exportCsv,
          },
        ]}
      />
      <p className="text-sm text-gray-700">{m.reviewIntro}</p>
      <Flash
        m={m}
        msg={typeof q.msg === "string" ? q.msg : undefined}
        refused={typeof q.refused === "string" ? q.refused : undefined}
      />
      {payments.length === 0 ? (
        <p className="rounded-2xl bg-white p-5 text-sm text-gray-600 shadow-sm">{m.reviewNone}</p>
      ) : null}
      {items.map(({ payment: p, expectedFen, receivedFen, candidates }) => (
        <Card
          key={p.id}
          id={`payment-${p.id}`}
          title={`¥${formatYuan(p.amount_fen)} · ${p.channel_id} · ${p.trade_no}`}
        >
          <div data-testid="review-payment" data-trade-no={p.trade_no} className="space-y-3 text-sm">
            <p className="text-gray-700">
              {formatConsoleTime(p.received_at)} · {m.colStatus}:{" "}
              <CodedLabel label={paymentStatusLabel(m, p.status)} code={p.status} codeTitle={m.codeTitle} /> ·{" "}
              {m.colReason}:{" "}
              {p.reason ? (
                <CodedLabel label={paymentReasonLabel(m, p.reason)} code={p.reason} codeTitle={m.codeTitle} />
              ) : (
                m.notApplicable
              )}{" "}
              · {m.colOrder}:{" "}
              {p.order_id ? (
                <a
                  href={`/console/orders/${p.order_id}`}
                  className="font-mono text-[#1061d6] underline-offset-2 hover:underline"
                >
                  {p.order_id}
                </a>
              ) : (
                m.notApplicable
              )}
            </p>
            <dl className="grid grid-cols-3 gap-2 rounded-xl bg-gray-50 p-3 text-center" data-testid="review-amounts">
              <div>
                <dt className="text-gray-600">{m.reviewExpected}</dt>
                <dd className="text-base font-semibold text-gray-900">
                  {expectedFen === null ? m.notApplicable : `¥${formatYuan(expectedFen)}`}
                </dd>
              </div>
              <div>
                <dt className="text-gray-600">{m.reviewReceived}</dt>
                <dd className="text-base font-semibold text-gray-900">¥{formatYuan(receivedFen)}</dd>
              </div>
              <div>
                <dt className="text-gray-600">{m.reviewDiff}</dt>
                <dd className="text-base font-semibold text-gray-900">
                  {expectedFen === null ? m.notApplicable : signedYuan(receivedFen - expectedFen)}
                </dd>
              </div>
            </dl>
            <div>
              <h3 className="mb-1 font-medium text-gray-900">{m.reviewCandidates}</h3>
              {candidates.length === 0 ? (
                <p className="text-gray-600">{m.reviewNoCandidates}</p>
              ) : (
                <ul className="divide-y divide-gray-100" data-testid="review-candidates">
                  {candidates.map((o) => (
                    <li key={o.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-1.5">
                      <span className="font-mono text-xs">{o.id}</span>
                      <span>
                        {m.reviewExpected} ¥{formatYuan(o.pay_amount_fen)}
                      </span>
                      <span className="text-gray-600">{orderStatusLabel(m, o.status)}</span>
                      <span className="text-gray-600">{formatConsoleTime(o.created_at)}</span>
                      <a
                        href={`/console/review?confirm=${p.id}&order=${encodeURIComponent(o.id)}#payment-${p.id}`}
                        className="ml-auto text-[#1061d6] underline-offset-2 hover:underline"
                      >
                        {m.reviewPick}
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            {confirmId === p.id && confirmOrder ? (
              <PaymentActionForm
                action="/console/act/credit"
                csrf={session.csrf}
                paymentId={p.id}
                reasonLabel={m.reasonLabel}
                fields={
                  <div data-testid="review-confirm" className="space-y-1">
                    <h3 className="font-semibold text-gray-900">{m.reviewConfirmTitle}</h3>
                    <p className="text-gray-900">
                      {fmt(m.reviewConfirmBody, {
                        received: formatYuan(receivedFen),
                        order: confirmOrder.id,
                        expected: formatYuan(confirmOrder.pay_amount_fen),
                      })}
                    </p>
                    <input type="hidden" name="order_id" value={confirmOrder.id} />
                  </div>
                }
              >
                <div className="flex gap-3">
                  <button
                    type="submit"
                    className="rounded-lg bg-[#067a3e] px-4 py-1.5 font-medium text-white hover:bg-[#05632f]"
                  >
                    {m.reviewConfirmCredit}
                  </button>
                  <a href={`/console/review#payment-${p.id}`} className="rounded-lg border border-gray-300 px-4 py-1.5">
                    {m.refundCancel}
                  </a>
                </div>
              </PaymentActionForm>
            ) : null}
            <div className="grid gap-4 md:grid-cols-2">
              <form method="get" action="/console/review" className="space-y-2 rounded-xl border border-gray-200 p-3">
                <input type="hidden" name="confirm" value={p.id} />
                <label className="block">
                  <span className="text-gray-700">{m.creditTo}</span>
                  <input name="order" required defaultValue={p.order_id ?? ""} className={`${input} font-mono`} />
                </label>
                {confirmId === p.id && !confirmOrder ? (
                  <p role="alert" className="text-red-700">
                    {m.notFoundBody}
                  </p>
                ) : null}
                <button
                  type="submit"
                  className="rounded-lg border border-[#067a3e] px-4 py-1.5 font-medium text-[#067a3e] hover:bg-green-50"
                >
                  {m.reviewNext}
                </button>
              </form>
              <PaymentActionForm
                action="/console/act/dismiss"
                csrf={session.csrf}
                paymentId={p.id}
                reasonLabel={m.reasonLabel}
              >
                <button
                  type="submit"
                  className="rounded-lg border border-gray-300 px-4 py-1.5 text-gray-800 hover:bg-gray-50"
                >
                  {m.dismiss}
                </button>
              </PaymentActionForm>
            </div>
          </div>
        </Card>
      ))}
    </ConsoleShell>
  );
}
