import { QRCodeSVG } from "qrcode.react";
import type { CashierModel } from "@/lib/cashier/page-model";
import { scanSteps } from "@/lib/cashier/pay-steps";
import { fmt } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/zh-cn";
import { PayActions, TimeLeft } from "./layout-parts";
import { AmountWarning, OrderDetails, ProductLine, Steps } from "./parts";
import { WALLET_STYLE } from "./wallet-style";

const QR_SIZE = 232;
const LOGO_SIZE = 48;

/**
 * The computer layout: the QR (rendered here on the server as SVG, error correction H so the centre logo costs
 * nothing), the amount and countdown, "open X → Scan" steps in the wallet's colours, and the order details. Below the
 * md breakpoint (a narrow window) the two columns stack.
 */
export function PcLayout({ model, m, selfHref }: { model: CashierModel; m: Messages; selfHref: string }) {
  const style = WALLET_STYLE[model.type];
  const wallet = m[style.name];
  const amount = model.view.pay_amount;
  return (
    <main className="mx-auto grid w-full max-w-4xl overflow-hidden rounded-2xl bg-white shadow-sm md:grid-cols-[minmax(0,1fr)_minmax(0,1.15fr)] dark:bg-gray-900 dark:shadow-none dark:ring-1 dark:ring-gray-800">
      <section
        className={`flex flex-col items-center border-t-4 ${style.accent} ${style.soft} px-8 py-8`}
        aria-labelledby="qr-title"
      >
        <h1 id="qr-title" className="flex items-center gap-2 text-lg font-semibold text-gray-900 dark:text-gray-100">
          <img src={style.logo} alt="" width={28} height={28} />
          {fmt(m.payWith, { wallet })}
        </h1>
        {/* The QR keeps its white quiet zone in dark mode: scanners want dark modules on light. */}
        <div className="mt-5 rounded-2xl bg-white p-4 shadow-sm" data-testid="qr">
          <QRCodeSVG
            value={model.payload}
            size={QR_SIZE}
            level="H"
            marginSize={0}
            role="img"
            aria-label={fmt(m.qrAlt, { wallet, amount })}
            imageSettings={{ src: style.logo, width: LOGO_SIZE, height: LOGO_SIZE, excavate: true }}
          />
        </div>
        <a
          href={selfHref}
          className={`mt-4 text-sm font-medium ${style.inkText} underline-offset-2 hover:underline`}
          data-testid="refresh-qr"
        >
          ↻ {m.refreshQr}
        </a>
      </section>
      <section className="flex flex-col gap-5 px-8 py-8">
        <div>
          <ProductLine name={model.productName} className="mb-3" />
          <p className="text-sm text-gray-600 dark:text-gray-400">{m.amountLabel}</p>
          <p
            className="mt-1 text-5xl font-semibold tracking-tight text-gray-900 dark:text-gray-50"
            data-testid="amount"
          >
            <span className="mr-1 text-3xl">¥</span>
            {amount}
          </p>
          <TimeLeft
            m={m}
            countdownClassName="font-mono text-base font-semibold text-gray-900 tabular-nums dark:text-gray-100"
          />
        </div>
        <AmountWarning model={model} m={m} />
        <Steps steps={scanSteps(m, wallet, model.freeAmount, amount)} ink={style.ink} />
        <div className="border-t border-gray-100 pt-4 dark:border-gray-800">
          <h2 className="sr-only">{m.orderDetails}</h2>
          <OrderDetails model={model} m={m} />
        </div>
        <div>
          <PayActions
            model={model}
            m={m}
            recheckClassName="min-h-11 w-full rounded-xl border border-gray-300 px-4 font-medium text-gray-800 hover:bg-gray-50 disabled:opacity-60 dark:border-gray-600 dark:text-gray-100 dark:hover:bg-gray-800"
          />
        </div>
      </section>
    </main>
  );
}
