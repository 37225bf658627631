import { Card } from "@/components/console/card";
import { CodedLabel } from "@/components/console/coded-label";
import { refundStatusLabel } from "@/lib/console/status-label";
import { CsrfField } from "@/components/console/csrf-field";
import { formatConsoleTime } from "@/lib/console/console-locale";
import { previewRefund, type RefundPanel } from "@/lib/console/refund-actions";
import type { ConsoleMessages } from "@/lib/i18n/console-zh-cn";
import { fmt } from "@/lib/i18n/locale";
import { formatYuan } from "@/lib/money";

const input = "w-full rounded-lg border border-gray-300 px-3 py-1.5 text-sm";
const primary = "rounded-lg bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800";
const secondary = "rounded-lg border border-gray-300 px-3 py-1.5 text-sm text-gray-800 hover:bg-gray-50";

/** What the first step sent (a GET back to this page): the confirmation is shown for it. */
export interface RefundDraft {
  amount: string;
  reason: string;
  note: string;
}

/**
 * The order's refunds: paid, refunded and what is left; the list; and the two-step form — amount and reason first,
 * then a confirmation that shows what will remain, which alone posts (with the CSRF token). A personal-code channel's
 * form says the money goes back by hand and only records it.
 */
export function RefundPanelCard({
  m,
  panel,
  orderId,
  channelId,
  csrf,
  draft,
}: {
  m: ConsoleMessages;
  panel: RefundPanel;
  orderId: string;
  channelId: string;
  csrf: string;
  draft: RefundDraft | null;
}) {
  const preview = draft ? previewRefund(panel, draft.amount) : null;
  const manual = panel.mode === "manual";
  const totals: [string, number][] = [
    [m.refundPaid, panel.paidFen],
    [m.refundRefunded, panel.refundedFen],
    [m.refundRemaining, panel.remainingFen],
  ];
  return (
    <Card title={m.refundTitle} id="refunds">
      <dl className="mb-3 flex flex-wrap gap-x-8 gap-y-1 text-sm" data-testid="refund-totals">
        {totals.map(([k, v]) => (
          <div key={k} className="flex gap-2">
            <dt className="text-gray-600">{k}</dt>
            <dd className="font-medium text-gray-900">¥{formatYuan(v)}</dd>
          </div>
        ))}
      </dl>
      {panel.refunds.length === 0 ? (
        <p className="mb-3 text-sm text-gray-600">{m.refundNone}</p>
      ) : (
        <ul className="mb-3 divide-y divide-gray-100 text-sm" data-testid="refund-list">
          {panel.refunds.map((r) => (
            <li key={r.refundNo} className="flex flex-wrap gap-x-4 gap-y-0.5 py-1.5">
              <span className="font-medium">¥{formatYuan(r.amountFen)}</span>
              <span className={r.status === "failed" ? "text-red-700" : "text-gray-900"}>
                <CodedLabel label={refundStatusLabel(m, r.status)} code={r.status} codeTitle={m.codeTitle} />
              </span>
              <span className="text-gray-600">{formatConsoleTime(r.createdAt)}</span>
              <span className="text-gray-600">{r.actor}</span>
              <span className="break-all font-mono text-xs text-gray-500">{r.refundNo}</span>
              {r.reason || r.note || r.failure ? (
                <span className="basis-full text-gray-700">
                  {[r.reason, r.note, r.failure].filter(Boolean).join(" · ")}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {!panel.refundable ? (
        <p className="text-sm text-gray-600">{panel.paidFen > 0 ? m.refundNothingLeft : m.refundNotPaid}</p>
      ) : preview?.ok ? (
        <form
          method="post"
          action={`/console/orders/${encodeURIComponent(orderId)}/refund`}
          className="space-y-3 rounded-xl border border-amber-300 bg-amber-50 p-4"
          data-testid="refund-confirm"
        >
          <h3 className="font-semibold text-gray-900">{m.refundConfirmTitle}</h3>
          <p className="text-sm text-gray-900">
            {fmt(manual ? m.refundConfirmManual : m.refundConfirmBody, {
              amount: formatYuan(preview.preview.amountFen),
              paid: formatYuan(preview.preview.paidFen),
              refunded: formatYuan(preview.preview.refundedFen),
              remaining: formatYuan(preview.preview.remainingAfterFen),
            })}
          </p>
          <p className="text-sm text-gray-700">
            {m.refundReason}: {draft!.reason}
            {manual ? ` · ${draft!.note}` : ""}
          </p>
          <CsrfField token={csrf} />
          <input type="hidden" name="order_id" value={orderId} />
          <input type="hidden" name="amount" value={formatYuan(preview.preview.amountFen)} />
          <input type="hidden" name="reason" value={draft!.reason} />
          <input type="hidden" name="note" value={draft!.note} />
          <div className="flex gap-3">
            <button type="submit" className={primary}>
              {manual ? m.refundConfirmRecord : m.refundConfirm}
            </button>
            <a href={`/console/orders/${encodeURIComponent(orderId)}#refunds`} className={secondary}>
              {m.refundCancel}
            </a>
          </div>
        </form>
      ) : (
        <form method="get" action={`/console/orders/${encodeURIComponent(orderId)}`} className="space-y-3">
          <p className={manual ? "rounded-lg bg-amber-50 p-3 text-sm text-amber-900" : "text-sm text-gray-700"}>
            {manual ? m.refundManualHint : fmt(m.refundApiHint, { channel: channelId })}
          </p>
          {preview && !preview.ok ? (
            <p role="alert" className="text-sm text-red-700">
              {m[`refundWhy_${preview.why}`]}
            </p>
          ) : null}
          <div className="grid gap-3 md:grid-cols-[10rem_1fr]">
            <label className="text-sm text-gray-700">
              {m.refundAmount}
              <input
                name="refund_amount"
                inputMode="decimal"
                required
                defaultValue={draft?.amount ?? formatYuan(panel.remainingFen)}
                className={input}
              />
            </label>
            <label className="text-sm text-gray-700">
              {m.refundReason}
              <input name="refund_reason" required maxLength={500} defaultValue={draft?.reason} className={input} />
            </label>
          </div>
          {manual ? (
            <label className="block text-sm text-gray-700">
              {m.refundNote}
              <input name="refund_note" required maxLength={500} defaultValue={draft?.note} className={input} />
            </label>
          ) : null}
          <button type="submit" className={secondary}>
            {m.refundNext}
          </button>
        </form>
      )}
    </Card>
  );
}

/** "关闭订单" (pending orders only) and notes: small forms, each with a reason, posted with the CSRF token. */
export function OrderOpsCard({
  m,
  orderId,
  csrf,
  closable,
}: {
  m: ConsoleMessages;
  orderId: string;
  csrf: string;
  closable: boolean;
}) {
  const base = `/console/orders/${encodeURIComponent(orderId)}`;
  return (
    <Card title={closable ? `${m.closeTitle} · ${m.notesTitle}` : m.notesTitle} id="ops">
      <div className="grid gap-4 md:grid-cols-2">
        {closable ? (
          <form method="post" action={`${base}/close`} className="space-y-2">
            <p className="text-sm text-gray-700">{m.closeHint}</p>
            <CsrfField token={csrf} />
            <input type="hidden" name="order_id" value={orderId} />
            <label className="block text-sm text-gray-700">
              {m.closeReason}
              <input name="reason" required maxLength={500} className={input} />
            </label>
            <button type="submit" className={secondary}>
              {m.closeSubmit}
            </button>
          </form>
        ) : null}
        <form method="post" action={`${base}/note`} className="space-y-2">
          <CsrfField token={csrf} />
          <input type="hidden" name="order_id" value={orderId} />
          <label className="block text-sm text-gray-700">
            {m.noteText}
            <textarea name="note" required maxLength={500} rows={2} className={input} />
          </label>
          <button type="submit" className={secondary}>
            {m.noteSubmit}
          </button>
        </form>
      </div>
    </Card>
  );
}

const OPS = [
  "refund_succeeded",
  "refund_requested",
  "refund_failed",
  "refund_recorded",
  "closed",
  "not_pending",
  "noted",
  "reason_required",
] as const;
type Op = (typeof OPS)[number];

/** The outcome of the last order operation, from the redirect's `op` (and `why` for a refused refund). */
export function OpFlash({ m, op, why }: { m: ConsoleMessages; op?: string; why?: string }) {
  let text: string | null = null;
  let bad = false;
  if (op === "refund_refused") {
    const key = `refundWhy_${why ?? ""}`;
    text = key in m ? m[key as keyof ConsoleMessages] : null;
    bad = true;
  } else if (op && (OPS as readonly string[]).includes(op)) {
    text = m[`op_${op as Op}`];
    bad = op === "refund_failed" || op === "not_pending" || op === "reason_required";
  }
  if (!text) return null;
  return (
    <p
      role={bad ? "alert" : "status"}
      data-testid="op-flash"
      className={`rounded-xl border px-4 py-2 text-sm ${bad ? "border-red-300 bg-red-50 text-red-900" : "border-green-300 bg-green-50 text-green-900"}`}
    >
      {text}
    </p>
  );
}
