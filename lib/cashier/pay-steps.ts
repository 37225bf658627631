import { fmt } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/zh-cn";

/**
 * The numbered steps under a code. A free-amount code (the merchant's own receiving code, V免签 and similar) makes
 * the payer type the amount in the wallet, so typing the exact amount is a step of its own; a fixed-amount code
 * carries the amount and needs no typing.
 */
export function scanSteps(m: Messages, wallet: string, freeAmount: boolean, amount: string): string[] {
  const open = fmt(m.stepOpen, { wallet });
  if (!freeAmount) return [open, m.stepScan, m.stepPay];
  return [open, m.stepScanFree, fmt(m.stepTypeAmount, { amount }), m.stepPayTyped];
}

/** The WeChat album steps (save, scan, pick from album), plus the amount to type on a free-amount code. */
export function albumSteps(m: Messages, inWechat: boolean, freeAmount: boolean, amount: string): string[] {
  const steps = inWechat ? [m.wxLongPressStep] : [m.wxSaveStep, m.wxScanStep, m.wxAlbumStep];
  return freeAmount ? [...steps, fmt(m.stepTypeAmount, { amount }), m.stepPayTyped] : steps;
}

/** Whether the page must insist on the exact amount: it differs from the price, or the payer types it. */
export function insistOnAmount(price: string, amount: string, freeAmount: boolean): "offset" | "free" | null {
  if (amount !== price) return "offset";
  return freeAmount ? "free" : null;
}
