import type { CashierModel } from "@/lib/cashier/page-model";
import { fmt } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/zh-cn";
import { WALLET_STYLE } from "./wallet-style";

/** The saveable QR: a PNG `<img>` (long-press and "save image" work on images, not on canvas or inline SVG). */
export function PhoneQr({ model, m, size = 220 }: { model: CashierModel; m: Messages; size?: number }) {
  const wallet = m[WALLET_STYLE[model.type].name];
  return (
    <img
      src={`/pay/${model.view.order_id}/code`}
      width={size}
      height={size}
      alt={fmt(m.qrAlt, { wallet, amount: model.view.pay_amount })}
      className="mx-auto block rounded-lg border border-gray-200 bg-white p-2 dark:border-gray-700"
      data-testid="qr-image"
    />
  );
}
