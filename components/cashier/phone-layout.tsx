import type { CashierModel } from "@/lib/cashier/page-model";
import { fmt } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/zh-cn";
import { PayActions, TimeLeft } from "./layout-parts";
import { OpenInBrowserOverlay } from "./open-in-browser-overlay";
import { AmountWarning, OrderDetails, ProductLine } from "./parts";
import { PhoneWalletAction } from "./phone-wallet-action";
import { WALLET_STYLE } from "./wallet-style";

/**
 * The phone layout: amount on top, then what this phone can do with this code (wake the wallet, save the code,
 * or an honest note), the QR as a saveable `<img>`, the recheck button and the order details.
 */
export function PhoneLayout({ model, m }: { model: CashierModel; m: Messages }) {
  const phone = model.plan.phone;
  const style = WALLET_STYLE[model.type];
  return (
    <main className="mx-auto w-full max-w-md">
      <section
        className={`border-t-4 ${style.accent} bg-white px-5 pb-5 pt-5 text-center sm:rounded-t-2xl dark:bg-gray-900`}
        aria-labelledby="amount-title"
      >
        <p className="text-sm text-gray-600 dark:text-gray-400">{model.merchantName}</p>
        <ProductLine name={model.productName} className="mt-1" />
        {/* Which wallet this code is for, before anything else: the payer must open the right app. */}
        <p
          className="mt-2 inline-flex items-center gap-1.5 text-sm font-medium text-gray-900 dark:text-gray-100"
          data-testid="wallet-badge"
        >
          <img src={style.logo} alt="" width={20} height={20} />
          {fmt(m.payWith, { wallet: m[style.name] })}
        </p>
        <h1 id="amount-title" className="mt-3 text-sm text-gray-600 dark:text-gray-400">
          {m.amountLabel}
        </h1>
        <p className="mt-1 text-4xl font-semibold tracking-tight dark:text-gray-50" data-testid="amount">
          <span className="mr-0.5 text-2xl">¥</span>
          {model.view.pay_amount}
        </p>
        <TimeLeft m={m} countdownClassName="font-mono font-semibold text-gray-900 tabular-nums dark:text-gray-100" />
      </section>
      <div className="space-y-4 px-4 py-4">
        <AmountWarning model={model} m={m} />
        <section className="rounded-2xl bg-white p-5 dark:bg-gray-900">
          <PhoneWalletAction model={model} m={m} />
          <div className="mt-5">
            <PayActions
              model={model}
              m={m}
              recheckClassName="min-h-11 w-full rounded-xl border border-gray-300 px-4 font-medium text-gray-800 disabled:opacity-60 dark:border-gray-600 dark:text-gray-100"
            />
          </div>
        </section>
        <section className="rounded-2xl bg-white p-5 dark:bg-gray-900" aria-labelledby="details-title">
          <h2 id="details-title" className="mb-3 text-sm font-medium text-gray-900 dark:text-gray-100">
            {m.orderDetails}
          </h2>
          <OrderDetails model={model} m={m} />
        </section>
      </div>
      {phone.kind === "open-in-browser" ? <OpenInBrowserOverlay app={phone.app} model={model} m={m} /> : null}
    </main>
  );
}
