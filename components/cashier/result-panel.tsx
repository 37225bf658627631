import type { PublicOrderView } from "@/lib/orders/public-order-view";
import type { LiveText } from "./live-types";

interface Props {
  view: PublicOrderView;
  merchantName: string;
  timeoutUrl: string | null;
  shopHome: string | null;
  text: LiveText;
}

const BUTTON =
  "mt-6 inline-flex min-h-11 w-full items-center justify-center rounded-xl bg-gray-900 px-6 text-base font-medium text-white hover:bg-gray-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-gray-900 dark:bg-gray-100 dark:text-gray-900 dark:hover:bg-white dark:focus-visible:outline-gray-100";

/**
 * What replaces the pay layout once the order is no longer pending. Links target `_top`, so inside a frame a click
 * (a user gesture, which browsers allow) takes the whole page to the shop.
 */
export function ResultPanel({ view, merchantName, timeoutUrl, shopHome, text: t }: Props) {
  const paid = view.status === "paid";
  const back = paid
    ? (view.return_url ?? (view.settled ? shopHome : null))
    : view.status === "expired"
      ? (timeoutUrl ?? shopHome)
      : shopHome;
  const title = paid ? t.statusPaid : view.status === "expired" ? t.statusExpired : t.statusClosed;
  const body = paid
    ? view.return_url
      ? t.paidRedirecting
      : view.settled
        ? shopHome
          ? t.paidReady
          : t.paidDone
        : t.paidNotifying
    : view.status === "expired"
      ? timeoutUrl
        ? t.redirectingTimeout
        : t.expiredBody
      : t.closedBody;
  return (
    <section
      className="mx-auto w-full max-w-md rounded-2xl bg-white px-6 py-10 text-center shadow-sm dark:bg-gray-900 dark:shadow-none"
      aria-labelledby="result-title"
      data-testid={`result-${view.status}`}
    >
      <div
        aria-hidden="true"
        className={`mx-auto flex size-16 items-center justify-center rounded-full text-3xl text-white ${paid ? "bg-green-600" : "bg-gray-400 dark:bg-gray-600"}`}
      >
        {paid ? "✓" : "!"}
      </div>
      <p className="mt-4 text-sm text-gray-500 dark:text-gray-400">{merchantName}</p>
      <h1 id="result-title" className="mt-1 text-2xl font-semibold">
        {title}
      </h1>
      <p className="mt-2 text-gray-600 dark:text-gray-300">{body}</p>
      {view.status === "expired" && timeoutUrl ? (
        <p className="mt-1 text-sm text-gray-500 dark:text-gray-400">{t.expiredBody}</p>
      ) : null}
      <dl className="mt-6 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-left text-sm">
        <dt className="text-gray-500 dark:text-gray-400">{t.amountLabel}</dt>
        <dd className="text-right font-medium">¥{view.pay_amount}</dd>
        <dt className="text-gray-500 dark:text-gray-400">{t.orderNoLabel}</dt>
        <dd className="break-all text-right text-gray-700 dark:text-gray-300">{view.order_id}</dd>
      </dl>
      {back ? (
        <a className={BUTTON} href={back} target="_top" data-testid="back-to-shop">
          {t.backToShop}
        </a>
      ) : null}
    </section>
  );
}
