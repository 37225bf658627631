/*
 * The wallets' own URL schemes, as pure builders: the cashier's pay plan (lib/cashier/pay-plan.ts) opens Alipay with
 * them, and epay's mapi.php answer carries one as `urlscheme` (lib/merchant-api/epay/epay-api.ts). Below both, so
 * neither reaches into the other.
 */

/** Alipay's "scan" applet id: `saId=10000007` opens the scanner with the given code, as if it had been scanned. */
const ALIPAY_SCAN = "platformapi/startapp?saId=10000007&qrcode=";

/**
 * `alipays://platformapi/startapp?saId=10000007&qrcode={encoded https code URL}`
 * (docs/contract.md#wallet-and-browser-facts).
 */
export function alipaySchemeLink(codeUrl: string): string {
  return `alipays://${ALIPAY_SCAN}${encodeURIComponent(codeUrl)}`;
}

/**
 * The same wake-up as an Android intent: Chrome on Android ignores a custom scheme navigation it did not see a
 * gesture for and shows nothing when the app is missing, while an `intent://` link names the package and fails visibly.
 */
export function alipayIntentLink(codeUrl: string): string {
  return `intent://${ALIPAY_SCAN}${encodeURIComponent(codeUrl)}#Intent;scheme=alipays;package=com.eg.android.AlipayGphone;end`;
}
