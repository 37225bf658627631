import type { MessageKey } from "@/lib/i18n/zh-cn";
import type { PayType } from "@/lib/pay-types";

/**
 * Per-wallet name key, logo and colour classes (brand colour for accents, darker "ink" behind white text), with their
 * dark-mode twins (prefers-color-scheme: dark).
 */
export const WALLET_STYLE: Record<
  PayType,
  { name: MessageKey; logo: string; accent: string; ink: string; inkText: string; soft: string }
> = {
  alipay: {
    name: "walletAlipay",
    logo: "/wallets/alipay.svg",
    accent: "border-alipay",
    ink: "bg-alipay-ink",
    inkText: "text-alipay-ink dark:text-blue-300",
    soft: "bg-blue-50 dark:bg-blue-950/40",
  },
  wxpay: {
    name: "walletWxpay",
    logo: "/wallets/wxpay.svg",
    accent: "border-wxpay",
    ink: "bg-wxpay-ink",
    inkText: "text-wxpay-ink dark:text-green-300",
    soft: "bg-green-50 dark:bg-green-950/40",
  },
  qqpay: {
    name: "walletQqpay",
    logo: "/wallets/qqpay.svg",
    accent: "border-qqpay",
    ink: "bg-qqpay-ink",
    inkText: "text-qqpay-ink dark:text-sky-300",
    soft: "bg-sky-50 dark:bg-sky-950/40",
  },
};
