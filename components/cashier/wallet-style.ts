import type { MessageKey } from "@/lib/i18n/zh-cn";
import type { PayType } from "@/lib/pay-types";

/** Per-wallet name key, logo and colour classes (brand colour for accents, darker "ink" behind white text). */
export const WALLET_STYLE: Record<
  PayType,
  { name: MessageKey; logo: string; accent: string; ink: string; inkText: string; soft: string }
> = {
  alipay: {
    name: "walletAlipay",
    logo: "/wallets/alipay.svg",
    accent: "border-alipay",
    ink: "bg-alipay-ink",
    inkText: "text-alipay-ink",
    soft: "bg-blue-50",
  },
  wxpay: {
    name: "walletWxpay",
    logo: "/wallets/wxpay.svg",
    accent: "border-wxpay",
    ink: "bg-wxpay-ink",
    inkText: "text-wxpay-ink",
    soft: "bg-green-50",
  },
  qqpay: {
    name: "walletQqpay",
    logo: "/wallets/qqpay.svg",
    accent: "border-qqpay",
    ink: "bg-qqpay-ink",
    inkText: "text-qqpay-ink",
    soft: "bg-sky-50",
  },
};
