import type { PayType } from "@/lib/pay-types";
import { alipayIntentLink, alipaySchemeLink } from "@/lib/wallet-links";
import type { PayloadKind } from "@/lib/orders/payload-kind";
import type { PayerAgent } from "./user-agent";

/**
 * What the phone layout offers the payer, decided on the server from the wallet, the payload and the browser
 * (docs/contract.md#the-cashier-page). The PC layout always shows the QR to scan.
 */
export type PhoneAction =
  /** A primary button that wakes the wallet app (Alipay scheme / intent link, or the QQ-wallet https URL). */
  | { kind: "wake"; href: string; label: "wakeAlipay" | "openQq" }
  /** Inside the wallet's own webview: navigate straight to the code URL (the button stays, for no-JS and retries). */
  | { kind: "direct"; href: string; label: "wakeAlipay" | "openQq" }
  /** Inside WeChat/QQ with a wallet they block: the "open in browser" overlay. */
  | { kind: "open-in-browser"; app: "wechat" | "qq" }
  /** A WeChat personal code: a saveable, long-pressable image and album steps. */
  | { kind: "wechat-album"; inWechat: boolean }
  /** A WeChat official Native code: only a camera scan pays it, so say so. */
  | { kind: "wechat-other-device" }
  /** Nothing to wake (sandbox or an unknown payload): the QR alone. */
  | { kind: "qr-only" };

export interface PayPlan {
  layout: "pc" | "h5";
  phone: PhoneAction;
}

/** Phones and in-app webviews get the H5 layout, everything else the PC layout. */
export function layoutFor(agent: PayerAgent): PayPlan["layout"] {
  return agent.mobile || agent.inApp !== null ? "h5" : "pc";
}

export function planPayment(type: PayType, kind: PayloadKind, payload: string, agent: PayerAgent): PayPlan {
  return { layout: layoutFor(agent), phone: phoneAction(type, kind, payload, agent) };
}

function phoneAction(type: PayType, kind: PayloadKind, payload: string, agent: PayerAgent): PhoneAction {
  if (type === "alipay" && kind === "alipay-url") {
    if (agent.inApp === "alipay") return { kind: "direct", href: payload, label: "wakeAlipay" };
    // WeChat and QQ both block Alipay's scheme and its code pages.
    if (agent.inApp === "wechat" || agent.inApp === "qq") return { kind: "open-in-browser", app: agent.inApp };
    const href = agent.androidChrome ? alipayIntentLink(payload) : alipaySchemeLink(payload);
    return { kind: "wake", href, label: "wakeAlipay" };
  }
  if (type === "qqpay" && kind === "qq-url") {
    if (agent.inApp === "qq") return { kind: "direct", href: payload, label: "openQq" };
    if (agent.inApp === "wechat") return { kind: "open-in-browser", app: "wechat" };
    return { kind: "wake", href: payload, label: "openQq" };
  }
  if (type === "wxpay" && kind === "wechat-personal")
    return { kind: "wechat-album", inWechat: agent.inApp === "wechat" };
  if (type === "wxpay" && kind === "wechat-native") return { kind: "wechat-other-device" };
  return { kind: "qr-only" };
}
