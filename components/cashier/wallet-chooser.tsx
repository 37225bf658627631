import { formatCountdown } from "@/lib/cashier/countdown";
import type { ChooserModel } from "@/lib/cashier/page-model";
import type { Messages } from "@/lib/i18n/zh-cn";
import { OrderDetails } from "./parts";
import { WALLET_STYLE } from "./wallet-style";

interface Props {
  model: ChooserModel;
  m: Messages;
  /** Where the choice is posted (`/pay/{id}/choose`, with the page's own parameters). */
  action: string;
  /** The previous choice failed upstream (`?choice=failed`). */
  failed: boolean;
}

/**
 * The wallet choice for an order the shop created without a type (v2board sends none). A plain form with one submit
 * button per wallet, so it works without JavaScript; the server answers with the page showing the chosen code. One
 * column on phones, a row of large buttons on computers.
 */
export function WalletChooser({ model, m, action, failed }: Props) {
  const choice = model;
  const pc = model.layout === "pc";
  return (
    <main
      className={`mx-auto w-full ${pc ? "max-w-2xl" : "max-w-md"} overflow-hidden bg-white shadow-sm sm:rounded-2xl`}
      data-testid="wallet-chooser"
    >
      <section className="px-6 pb-4 pt-6 text-center">
        {!pc ? <p className="text-sm text-gray-600">{model.merchantName}</p> : null}
        {model.productName ? (
          <p className="mt-1 text-base font-medium text-gray-900" data-testid="product-name">
            {model.productName}
          </p>
        ) : null}
        <p className="mt-3 text-sm text-gray-600">{m.amountLabel}</p>
        <p className="mt-1 text-4xl font-semibold tracking-tight text-gray-900" data-testid="amount">
          <span className="mr-0.5 text-2xl">¥</span>
          {model.view.price}
        </p>
        {/* The time left when the page was made (server clock); the code's own countdown starts after the choice. */}
        <p className="mt-2 text-sm text-gray-600" data-testid="chooser-time-left">
          {m.timeLeftLabel}{" "}
          <span className="font-mono font-semibold text-gray-900 tabular-nums">
            {formatCountdown(model.view.expires_in)}
          </span>
        </p>
      </section>
      <section className="border-t border-gray-100 px-6 py-6" aria-labelledby="choose-title">
        <h1 id="choose-title" className="text-center text-lg font-semibold text-gray-900">
          {choice.generating ? m.generatingCode : m.chooseWalletTitle}
        </h1>
        {failed && !choice.generating ? (
          <p
            role="alert"
            className="mt-3 rounded-xl bg-red-50 px-4 py-2 text-center text-sm text-red-800"
            data-testid="choice-failed"
          >
            {m.chooseFailed}
          </p>
        ) : null}
        {!choice.generating && choice.types.length === 0 ? (
          <p className="mt-4 text-center text-sm text-gray-600" data-testid="no-wallet">
            {m.noWalletAvailable}
          </p>
        ) : null}
        {!choice.generating && choice.types.length > 0 ? (
          <form method="post" action={action} className={`mt-5 grid gap-3 ${pc ? "grid-cols-3" : "grid-cols-1"}`}>
            {choice.types.map((type) => {
              const style = WALLET_STYLE[type];
              return (
                <button
                  key={type}
                  type="submit"
                  name="type"
                  value={type}
                  data-testid={`choose-${type}`}
                  className={`flex min-h-14 items-center justify-center gap-2 rounded-xl border-2 ${style.accent} ${style.soft} px-4 text-base font-medium text-gray-900 hover:brightness-95 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-gray-900 ${pc ? "flex-col py-5" : ""}`}
                >
                  <img src={style.logo} alt="" width={pc ? 40 : 28} height={pc ? 40 : 28} />
                  {m[style.name]}
                </button>
              );
            })}
          </form>
        ) : null}
        {!choice.generating && choice.types.length > 0 ? (
          <p className="mt-4 text-center text-xs text-gray-600">{m.chooseWalletHint}</p>
        ) : null}
      </section>
      <section className="border-t border-gray-100 px-6 py-5">
        <h2 className="sr-only">{m.orderDetails}</h2>
        <OrderDetails model={model} m={m} />
      </section>
    </main>
  );
}
