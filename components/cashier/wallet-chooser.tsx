import { formatCountdown } from "@/lib/cashier/countdown";
import type { ChooserModel } from "@/lib/cashier/page-model";
import { fmt } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/zh-cn";
import type { PayType } from "@/lib/pay-types";
import { ChooserIsland } from "./chooser-island";
import { OrderDetails, ProductLine } from "./parts";
import { WALLET_STYLE } from "./wallet-style";

interface Props {
  model: ChooserModel;
  m: Messages;
  /** Where the choice is posted (`/pay/{id}/choose`, with the page's own parameters). */
  action: string;
  /** The previous choice (or submit.php's wallet) found no channel able to make the code (`?choice=failed`). */
  failed: boolean;
  /** Which wallet failed (`&failed=alipay`), when known. */
  failedType: PayType | null;
  /** This page without the failure parameters: "try again" when no retry can be posted. */
  reloadHref: string;
}

const PRIMARY =
  "flex min-h-12 w-full items-center justify-center gap-2 rounded-xl bg-gray-900 px-4 text-base font-semibold text-white hover:bg-gray-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-gray-900 dark:bg-gray-100 dark:text-gray-900 dark:hover:bg-white";

/** On a computer the wallets sit in a row of equal buttons, centred whether there are one, two or three. */
const PC_COLUMNS: Record<number, string> = {
  0: "grid-cols-1",
  1: "grid-cols-[minmax(0,12.5rem)]",
  2: "grid-cols-[repeat(2,minmax(0,12.5rem))]",
  3: "grid-cols-3",
};

function WalletButton({ type, m, pc, label }: { type: PayType; m: Messages; pc: boolean; label?: string }) {
  const style = WALLET_STYLE[type];
  return (
    <button
      type="submit"
      name="type"
      value={type}
      data-testid={`choose-${type}`}
      className={`flex min-h-14 items-center justify-center gap-2 rounded-xl border-2 ${style.accent} ${style.soft} px-4 text-base font-medium text-gray-900 hover:brightness-95 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-gray-900 dark:text-gray-100 ${pc ? "flex-col py-5" : ""}`}
    >
      <img src={style.logo} alt="" width={pc ? 40 : 28} height={pc ? 40 : 28} />
      {label ?? m[style.name]}
    </button>
  );
}

/**
 * The wallet choice for an order the shop created without a type (v2board sends none), and the page a payer lands
 * on when no channel could make the code (submit.php with a wallet whose channels are all down, or a choice that
 * failed): what happened in the payer's words, a retry, the other wallets some channel serves, and the way back to
 * the shop, with no countdown running. Plain forms (one submit button per wallet), so it works without JavaScript.
 */
export function WalletChooser({ model, m, action, failed, failedType, reloadHref }: Props) {
  const pc = model.layout === "pc";
  const deadEnd = !model.generating && (failed || model.types.length === 0);
  const others = model.types.filter((t) => t !== failedType);
  const canRetry = failedType !== null && model.types.includes(failedType);
  const wallet = failedType ? m[WALLET_STYLE[failedType].name] : "";
  const body =
    model.types.length === 0
      ? m.deadEndNoWallet
      : failedType === null
        ? m.chooseFailed
        : others.length > 0
          ? fmt(m.deadEndBody, { wallet })
          : fmt(m.deadEndBodyRetryOnly, { wallet });
  const grid = (n: number) => `grid justify-center gap-3 ${pc ? PC_COLUMNS[Math.min(n, 3)] : "grid-cols-1"}`;
  return (
    <main
      className={`mx-auto w-full ${pc ? "max-w-2xl" : "max-w-md"} overflow-hidden bg-white shadow-sm sm:rounded-2xl dark:bg-gray-900 dark:shadow-none`}
      data-testid={deadEnd ? "dead-end" : "wallet-chooser"}
    >
      <ChooserIsland
        orderId={model.view.order_id}
        embedOrigins={model.embedOrigins}
        failure={deadEnd ? { wallet: failedType, others, back_url: model.backUrl } : null}
      />
      <section className="px-6 pb-4 pt-6 text-center">
        {!pc ? <p className="text-sm text-gray-600 dark:text-gray-400">{model.merchantName}</p> : null}
        <ProductLine name={model.productName} className="mt-1" />
        <p className="mt-3 text-sm text-gray-600 dark:text-gray-400">{m.amountLabel}</p>
        <p className="mt-1 text-4xl font-semibold tracking-tight text-gray-900 dark:text-gray-50" data-testid="amount">
          <span className="mr-0.5 text-2xl">¥</span>
          {model.view.price}
        </p>
        {/* The time left when the page was made (server clock). None on the dead end: nothing there is ticking. */}
        {!deadEnd ? (
          <p className="mt-2 text-sm text-gray-600 dark:text-gray-400" data-testid="chooser-time-left">
            {m.timeLeftLabel}{" "}
            <span className="font-mono font-semibold text-gray-900 tabular-nums dark:text-gray-100">
              {formatCountdown(model.view.expires_in)}
            </span>
          </p>
        ) : null}
      </section>
      {deadEnd ? (
        <section className="border-t border-gray-100 px-6 py-6 dark:border-gray-800" aria-labelledby="dead-end-title">
          <div
            aria-hidden="true"
            className="mx-auto flex size-12 items-center justify-center rounded-full bg-amber-100 text-2xl font-bold text-amber-700 dark:bg-amber-950 dark:text-amber-300"
          >
            !
          </div>
          <h1 id="dead-end-title" className="mt-3 text-center text-lg font-semibold text-gray-900 dark:text-gray-100">
            {m.deadEndTitle}
          </h1>
          <p
            role="alert"
            className="mt-2 text-center text-sm text-gray-700 dark:text-gray-300"
            data-testid="dead-end-body"
          >
            {body}
          </p>
          <div className="mt-5">
            {canRetry && failedType ? (
              <form method="post" action={action}>
                <button type="submit" name="type" value={failedType} className={PRIMARY} data-testid="dead-end-retry">
                  {fmt(m.deadEndRetry, { wallet })}
                </button>
              </form>
            ) : (
              <a href={reloadHref} className={PRIMARY} data-testid="dead-end-retry">
                {m.deadEndReload}
              </a>
            )}
          </div>
          {others.length > 0 ? (
            <div className="mt-6">
              <h2 className="text-center text-sm font-medium text-gray-700 dark:text-gray-300">{m.deadEndOthers}</h2>
              <form
                method="post"
                action={action}
                className={`mt-3 ${grid(others.length)}`}
                data-testid="dead-end-others"
              >
                {others.map((type) => (
                  <WalletButton key={type} type={type} m={m} pc={pc} />
                ))}
              </form>
            </div>
          ) : null}
          {model.backUrl ? (
            <p className="mt-6 text-center">
              <a
                href={model.backUrl}
                target="_top"
                className="text-sm font-medium text-gray-700 underline underline-offset-2 hover:text-gray-900 dark:text-gray-300 dark:hover:text-white"
                data-testid="back-to-shop"
              >
                {m.backToShop}
              </a>
            </p>
          ) : null}
        </section>
      ) : (
        <section className="border-t border-gray-100 px-6 py-6 dark:border-gray-800" aria-labelledby="choose-title">
          <h1 id="choose-title" className="text-center text-lg font-semibold text-gray-900 dark:text-gray-100">
            {model.generating ? m.generatingCode : m.chooseWalletTitle}
          </h1>
          {!model.generating ? (
            <>
              <form method="post" action={action} className={`mt-5 ${grid(model.types.length)}`}>
                {model.types.map((type) => (
                  <WalletButton key={type} type={type} m={m} pc={pc} />
                ))}
              </form>
              <p className="mt-4 text-center text-xs text-gray-600 dark:text-gray-400">{m.chooseWalletHint}</p>
            </>
          ) : null}
        </section>
      )}
      <section className="border-t border-gray-100 px-6 py-5 dark:border-gray-800">
        <h2 className="sr-only">{m.orderDetails}</h2>
        <OrderDetails model={model} m={m} />
      </section>
    </main>
  );
}
