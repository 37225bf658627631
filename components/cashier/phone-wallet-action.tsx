import type { CashierModel } from "@/lib/cashier/page-model";
import { albumSteps, scanSteps } from "@/lib/cashier/pay-steps";
import { fmt } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/zh-cn";
import { DirectOpen } from "./direct-open";
import { WalletLink } from "./live-islands";
import { Steps } from "./parts";
import { PhoneQr } from "./phone-qr";
import { WALLET_STYLE } from "./wallet-style";

const PRIMARY =
  "flex min-h-12 w-full items-center justify-center gap-2 rounded-xl px-4 text-lg font-semibold text-white shadow-sm";

/** The wallet-specific middle of the phone page (see lib/cashier/pay-plan.ts for which case applies when). */
export function PhoneWalletAction({ model, m }: { model: CashierModel; m: Messages }) {
  const style = WALLET_STYLE[model.type];
  const wallet = m[style.name];
  const phone = model.plan.phone;
  const amount = model.view.pay_amount;
  const steps = scanSteps(m, wallet, model.freeAmount, amount);

  switch (phone.kind) {
    case "wake":
    case "direct":
      return (
        <div className="text-center">
          {phone.kind === "direct" ? <DirectOpen href={phone.href} orderId={model.view.order_id} /> : null}
          <WalletLink href={phone.href} className={`${PRIMARY} ${style.ink}`}>
            <img src={style.logo} alt="" width={26} height={26} className="rounded-md ring-2 ring-white/70" />
            {m[phone.label]}
          </WalletLink>
          <p className="mt-2 text-sm text-gray-600 dark:text-gray-400">
            {phone.kind === "direct" ? m.autoOpenHint : fmt(m.wakeHint, { wallet })}
          </p>
          <div className="mt-5">
            <PhoneQr model={model} m={m} size={180} />
            <p className="mt-2 text-xs text-gray-600 dark:text-gray-400">{m.scanFromOtherDevice}</p>
          </div>
        </div>
      );
    case "wechat-album":
      return (
        <div>
          <Steps steps={albumSteps(m, phone.inWechat, model.freeAmount, amount)} ink={style.ink} />
          <div className="mt-4">
            <PhoneQr model={model} m={m} size={240} />
          </div>
        </div>
      );
    case "wechat-other-device":
      return (
        <div>
          <div
            className="rounded-xl border border-amber-400 bg-amber-50 p-4 dark:border-amber-600 dark:bg-amber-950/50"
            data-testid="wechat-native-note"
          >
            <p className="font-semibold text-amber-900 dark:text-amber-200">{m.wxNativeTitle}</p>
            <p className="mt-1 text-sm text-amber-900 dark:text-amber-200">{m.wxNativeBody}</p>
          </div>
          <div className="mt-4">
            <PhoneQr model={model} m={m} size={220} />
          </div>
        </div>
      );
    default:
      return (
        <div>
          <PhoneQr model={model} m={m} size={220} />
          <div className="mt-4">
            <Steps steps={steps} ink={style.ink} />
          </div>
        </div>
      );
  }
}
