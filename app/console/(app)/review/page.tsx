import type { ReactNode } from "react";
import { Card } from "@/components/console/card";
import { ConsoleShell } from "@/components/console/console-shell";
import { CsrfField } from "@/components/console/csrf-field";
import { Flash } from "@/components/console/flash";
import { channelIdsInScope } from "@/lib/console/console-scope";
import { formatBeijing } from "@/lib/console/console-locale";
import { requireConsoleUser } from "@/lib/console/page-auth";
import { formatYuan } from "@/lib/money";

type Search = Promise<Record<string, string | string[] | undefined>>;
const input = "mt-1 block w-full rounded-lg border border-gray-300 px-2 py-1.5";

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
  return (
    <ConsoleShell page={signedIn} section="review" selfPath="/console/review">
      <h1 className="text-xl font-semibold text-gray-900">{m.reviewTitle}</h1>
      <p className="text-sm text-gray-700">{m.reviewIntro}</p>
      <Flash
        m={m}
        msg={typeof q.msg === "string" ? q.msg : undefined}
        refused={typeof q.refused === "string" ? q.refused : undefined}
      />
      {payments.length === 0 ? (
        <p className="rounded-2xl bg-white p-5 text-sm text-gray-600 shadow-sm">{m.reviewNone}</p>
      ) : null}
      {payments.map((p) => (
        <Card
          key={p.id}
          id={`payment-${p.id}`}
          title={`¥${formatYuan(p.amount_fen)} · ${p.channel_id} · ${p.trade_no}`}
        >
          <div data-testid="review-payment" data-trade-no={p.trade_no} className="space-y-3 text-sm">
            <p className="text-gray-700">
              {formatBeijing(p.received_at)} · {m.colStatus}: {p.status} · {m.colReason}: {p.reason ?? m.notApplicable}{" "}
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
            <div className="grid gap-4 md:grid-cols-2">
              <PaymentActionForm
                action="/console/act/credit"
                csrf={session.csrf}
                paymentId={p.id}
                reasonLabel={m.reasonLabel}
                fields={
                  <label className="block">
                    <span className="text-gray-700">{m.creditTo}</span>
                    <input name="order_id" required defaultValue={p.order_id ?? ""} className={`${input} font-mono`} />
                  </label>
                }
              >
                <button
                  type="submit"
                  className="rounded-lg bg-[#067a3e] px-4 py-1.5 font-medium text-white hover:bg-[#05632f]"
                >
                  {m.credit}
                </button>
              </PaymentActionForm>
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
