import type { CashierModel, ChooserModel } from "@/lib/cashier/page-model";
import type { Locale } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/zh-cn";
import { CashierLive } from "./cashier-live";
import type { LiveText } from "./live-types";
import { LanguageLink } from "./parts";
import { PcLayout } from "./pc-layout";
import { PhoneLayout } from "./phone-layout";
import { WalletChooser } from "./wallet-chooser";
import type { PayType } from "@/lib/pay-types";

/** The page's colours when the payer's system is dark (prefers-color-scheme); components carry `dark:` twins. */
const DARK_PAGE =
  ":root{color-scheme:light dark}@media (prefers-color-scheme:dark){body{background:#030712;color:#f3f4f6}}";

const LIVE_KEYS = [
  "iHavePaid",
  "checking",
  "notYetPaid",
  "statusPending",
  "statusConfirming",
  "statusPaid",
  "statusExpired",
  "statusClosed",
  "paidNotifying",
  "paidRedirecting",
  "paidReady",
  "paidDone",
  "backToShop",
  "expiredBody",
  "closedBody",
  "redirectingTimeout",
  "simulatePay",
  "simulating",
  "simulateFailed",
  "amountLabel",
  "orderNoLabel",
  "offlineBanner",
] as const satisfies readonly (keyof LiveText)[];

function liveText(m: Messages): LiveText {
  return Object.fromEntries(LIVE_KEYS.map((k) => [k, m[k]])) as unknown as LiveText;
}

interface Props {
  model: CashierModel | ChooserModel;
  m: Messages;
  locale: Locale;
  /** Shown inside a host page's frame (`?embed=1`): no page chrome, content height drives the iframe. */
  embedded: boolean;
  /** The page URL with the same parameters (refresh) and with the other language. */
  selfHref: string;
  /** Where the wallet chooser posts (orders without a wallet yet), whether and for which wallet the last one failed. */
  chooseAction: string;
  choiceFailed: boolean;
  failedType: PayType | null;
  otherLanguageHref: string;
}

/** The whole cashier, server-rendered; only CashierLive and its small islands run in the browser. */
export function CashierPage({
  model,
  m,
  locale,
  embedded,
  selfHref,
  otherLanguageHref,
  chooseAction,
  choiceFailed,
  failedType,
}: Props) {
  const pc = (model.kind === "choose" ? model.layout : model.plan.layout) === "pc";
  return (
    <div
      id="paydesk-root"
      lang={locale}
      className={embedded ? "py-2" : pc ? "px-4 py-8 md:py-12" : "pb-8 sm:px-4 sm:py-6"}
    >
      {/* The body belongs to the root layout: the cashier darkens it itself, for this page only. */}
      <style>{DARK_PAGE}</style>
      {pc && !embedded ? (
        <header className="mx-auto mb-5 flex w-full max-w-4xl items-end justify-between px-1">
          <p className="text-lg font-semibold text-gray-900 dark:text-gray-100">{model.merchantName}</p>
          <LanguageLink href={otherLanguageHref} m={m} />
        </header>
      ) : null}
      {model.kind === "choose" ? (
        <WalletChooser
          model={model}
          m={m}
          action={chooseAction}
          failed={choiceFailed}
          failedType={failedType}
          reloadHref={selfHref}
        />
      ) : (
        <CashierLive
          initial={model.view}
          merchantName={model.merchantName}
          expiresAt={model.expiresAt}
          serverNow={model.serverNow}
          timeoutUrl={model.timeoutUrl}
          shopHome={model.shopHome}
          sandbox={model.sandbox}
          embedOrigins={model.embedOrigins}
          text={liveText(m)}
        >
          {pc ? <PcLayout model={model} m={m} selfHref={selfHref} /> : <PhoneLayout model={model} m={m} />}
        </CashierLive>
      )}
      <footer className="mx-auto mt-5 flex max-w-4xl items-center justify-center gap-4 text-xs text-gray-600 dark:text-gray-400">
        <span>{m.secureNote}</span>
        {!pc || embedded ? <LanguageLink href={otherLanguageHref} m={m} /> : null}
      </footer>
      {model.kind === "pay" ? (
        <noscript>
          <p className="mt-2 text-center text-xs text-gray-600 dark:text-gray-400">{m.noscriptNote}</p>
        </noscript>
      ) : null}
    </div>
  );
}
