/**
 * What the cashier needs to know about the payer's browser, read from the User-Agent on the server
 * (docs/contract.md#wallet-and-browser-facts): phone or computer, which OS (Android needs `intent://` links), and
 * whether we are inside a wallet's own webview.
 */
export type InApp = "wechat" | "qq" | "alipay" | null;

export interface PayerAgent {
  mobile: boolean;
  os: "ios" | "android" | "other";
  /** The app whose webview shows the page; null in an ordinary browser (QQ Browser `MQQBrowser` is ordinary). */
  inApp: InApp;
  /** Chrome on Android (not a webview, not another Chromium brand): the browser that wants `intent://` links. */
  androidChrome: boolean;
}

const MOBILE = /Mobile|Android|iPhone|iPod|iPad|HarmonyOS|OpenHarmony|Windows Phone/i;

export function detectAgent(ua: string | null | undefined): PayerAgent {
  const s = ua ?? "";
  const os = /iPhone|iPad|iPod/i.test(s) ? "ios" : /Android|HarmonyOS/i.test(s) ? "android" : "other";
  // Order matters: the QQ app's UA also contains `MQQBrowser`, WeChat's may contain `QQ` in other tokens.
  const inApp: InApp = /MicroMessenger/i.test(s)
    ? "wechat"
    : /AlipayClient/i.test(s)
      ? "alipay"
      : /\bQQ\/\d/.test(s)
        ? "qq"
        : null;
  const otherChromium =
    /EdgA|SamsungBrowser|OPR\/|UCBrowser|MQQBrowser|HuaweiBrowser|MiuiBrowser|VivoBrowser|HeyTapBrowser|Quark|baiduboxapp|; wv\)/i;
  const androidChrome = os === "android" && inApp === null && /Chrome\/\d/.test(s) && !otherChromium.test(s);
  return { mobile: MOBILE.test(s), os, inApp, androidChrome };
}
