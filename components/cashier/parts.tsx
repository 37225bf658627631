import { fmt } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/zh-cn";
import type { CashierModel } from "@/lib/cashier/page-model";
import { insistOnAmount } from "@/lib/cashier/pay-steps";

/** The big red "pay exactly X" warning, shown when the amount to pay is not the price or the code is free-amount. */
export function AmountWarning({ model, m }: { model: CashierModel; m: Messages }) {
  const { pay_amount: amount, price } = model.view;
  const insist = insistOnAmount(price, amount, model.freeAmount);
  if (!insist) return null;
  const why = model.freeAmount ? (insist === "offset" ? m.freeAmountOffsetWhy : m.freeAmountWhy) : m.amountWarningWhy;
  return (
    <div
      className="rounded-xl border-2 border-red-600 bg-red-50 px-4 py-3 text-left dark:border-red-500 dark:bg-red-950/50"
      data-testid="amount-warning"
    >
      {/* Only when the amount differs: a free-amount code at the price itself needs the typing hint, not the alarm. */}
      {insist === "offset" ? (
        <p className="text-lg font-bold leading-snug text-red-700 dark:text-red-300">
          {fmt(m.amountWarning, { amount })}
        </p>
      ) : null}
      <p
        className={
          insist === "offset"
            ? "mt-1 text-sm text-red-800 dark:text-red-200"
            : "font-semibold text-red-800 dark:text-red-200"
        }
      >
        {fmt(why, { amount, price })}
      </p>
    </div>
  );
}

/** Numbered steps with the wallet's colour on the numbers. */
export function Steps({ steps, ink, label }: { steps: string[]; ink: string; label?: string }) {
  return (
    <ol className="space-y-2 text-left" aria-label={label}>
      {steps.map((step, i) => (
        <li key={step} className="flex items-start gap-3">
          <span
            aria-hidden="true"
            className={`mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full text-sm font-semibold text-white ${ink}`}
          >
            {i + 1}
          </span>
          <span className="text-gray-800 dark:text-gray-200">{step}</span>
        </li>
      ))}
    </ol>
  );
}

export function OrderDetails({
  model,
  m,
}: {
  model: Pick<CashierModel, "merchantName" | "productName" | "view">;
  m: Messages;
}) {
  const rows: [string, string][] = [
    [m.merchantLabel, model.merchantName],
    ...(model.productName ? ([[m.productLabel, model.productName]] as [string, string][]) : []),
    [m.orderNoLabel, model.view.order_id],
    [m.priceLabel, `¥${model.view.price}`],
  ];
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm" data-testid="order-details">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-gray-500 dark:text-gray-400">{k}</dt>
          <dd className="break-all text-right text-gray-800 dark:text-gray-200">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function LanguageLink({ href, m }: { href: string; m: Messages }) {
  return (
    <a
      href={href}
      className="text-sm text-gray-600 underline-offset-2 hover:underline dark:text-gray-300"
      lang={m.switchLanguage === "English" ? "en" : "zh-CN"}
      data-testid="switch-language"
    >
      {m.switchLanguage}
    </a>
  );
}

/** The product the shop sent (epay `name`), under the merchant's name; nothing when the protocol carries none. */
export function ProductLine({ name, className = "" }: { name: string; className?: string }) {
  if (!name) return null;
  return (
    <p
      className={`break-words text-base font-medium text-gray-900 dark:text-gray-100 ${className}`}
      data-testid="product-name"
    >
      {name}
    </p>
  );
}

/**
 * "Cancel, back to the shop": a plain link the way the timeout goes (timeout URL, else the shop's site). It closes
 * nothing: the order stays payable until it expires, and coming back shows it again. `_top`, so inside a frame the
 * whole page goes (a user's click, which browsers allow).
 */
export function CancelLink({ href, m }: { href: string | null; m: Messages }) {
  if (!href) return null;
  return (
    <p className="mt-4 text-center">
      <a
        href={href}
        target="_top"
        className="text-sm text-gray-600 underline underline-offset-2 hover:text-gray-900 dark:text-gray-300 dark:hover:text-white"
        data-testid="cancel-to-shop"
      >
        {m.cancelToShop}
      </a>
    </p>
  );
}
