import type { CashierModel } from "@/lib/cashier/page-model";
import { fmt } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/zh-cn";
import { WALLET_STYLE } from "./wallet-style";

/**
 * WeChat and QQ block Alipay (and WeChat blocks QQ wallet) inside their webviews: the only way on is the menu's
 * "open in browser". Server-rendered as a modal dialog over the page, with an arrow to the menu at the top right.
 */
export function OpenInBrowserOverlay({ app, model, m }: { app: "wechat" | "qq"; model: CashierModel; m: Messages }) {
  const wallet = m[WALLET_STYLE[model.type].name];
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby="overlay-title"
      className="fixed inset-0 z-50 overflow-y-auto bg-gray-950/95 px-6 pt-4 text-white"
      data-testid="open-in-browser"
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 100 100"
        className="ml-auto mr-1 h-24 w-24"
        fill="none"
        stroke="currentColor"
        strokeWidth="4"
        strokeLinecap="round"
      >
        <path d="M15 92 C 30 45, 55 25, 88 12" />
        <path d="M70 10 L 89 11 L 82 29" />
      </svg>
      <h2 id="overlay-title" className="mt-2 text-2xl font-semibold">
        {m.overlayTitle}
      </h2>
      <ol className="mt-5 space-y-4 text-lg">
        <li className="flex items-center gap-3">
          <span
            aria-hidden="true"
            className="flex size-8 items-center justify-center rounded-full bg-white text-base font-bold text-gray-900"
          >
            1
          </span>
          {m.overlayStepMenu}
        </li>
        <li className="flex items-center gap-3">
          <span
            aria-hidden="true"
            className="flex size-8 items-center justify-center rounded-full bg-white text-base font-bold text-gray-900"
          >
            2
          </span>
          {m.overlayStepBrowser}
        </li>
      </ol>
      <p className="mt-6 text-base text-gray-100">
        {fmt(m.overlayWhy, { app: app === "wechat" ? m.appWechat : m.appQq, wallet })}
      </p>
    </div>
  );
}
