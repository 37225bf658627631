import { hasControlCharacter } from "@/lib/text/printable";
import type { PayType } from "@/lib/pay-types";

/**
 * What a QR payload is, which decides what a phone can do with it (docs/contract.md#wallet-and-browser-facts):
 * - `alipay-url`: an https Alipay code URL, which the `alipays://` scheme and the Alipay webview can open directly;
 * - `wechat-personal`: a `wxp://` personal code, payable by long-press in WeChat or scanned from the album;
 * - `wechat-native`: an official `weixin://wxpay/bizpayurl` Native code, payable only by scanning with the camera;
 * - `qq-url`: an https QQ-wallet URL, which the QQ app takes over when opened;
 * - `page`: the cashier page itself (the sandbox), nothing to wake;
 * - `other`: anything else: show the QR and nothing more.
 */
export type PayloadKind = "alipay-url" | "wechat-personal" | "wechat-native" | "qq-url" | "page" | "other";

/**
 * Hosts of QQ-wallet payment URLs (docs/providers/jsj.md, docs/providers/sanwang.md,
 * docs/contract.md#wallet-and-browser-facts): the only https URLs a QQ-wallet button may open.
 */
export const QQ_WALLET_HOSTS = ["qpay.qq.com", "i.qianbao.qq.com", "qianbao.qq.com"] as const;

function httpsHost(payload: string): string | null {
  try {
    const url = new URL(payload);
    return url.protocol === "https:" ? url.hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}

/**
 * Whether a provider's payload can be a code of this pay type at all: checked when an order is created, so a
 * misbehaving or compromised upstream cannot put, say, an Alipay URL (or any site) behind the QQ-wallet button.
 */
export function payloadFitsType(type: PayType, payload: string, pageUrl: string): boolean {
  if (payload === pageUrl) return true;
  if (payload.length > 2048 || /\s/.test(payload) || hasControlCharacter(payload)) return false;
  const lower = payload.toLowerCase();
  switch (type) {
    case "qqpay":
      return (QQ_WALLET_HOSTS as readonly string[]).includes(httpsHost(payload) ?? "");
    case "wxpay":
      return lower.startsWith("wxp://") || lower.startsWith("weixin://") || /^https?:\/\//.test(lower);
    case "alipay":
      // Operators may template their own http(s) code pages (三网 alipay_qr_template); no other scheme.
      return /^https?:\/\//.test(lower) || lower.startsWith("alipays://");
  }
}

export function payloadKind(type: PayType, payload: string, pageUrl: string): PayloadKind {
  if (payload === pageUrl) return "page";
  const lower = payload.toLowerCase();
  if (type === "wxpay") {
    if (lower.startsWith("wxp://")) return "wechat-personal";
    if (lower.startsWith("weixin://wxpay/bizpayurl")) return "wechat-native";
    return "other";
  }
  if (!lower.startsWith("https://")) return "other";
  if (type === "alipay") return "alipay-url";
  return (QQ_WALLET_HOSTS as readonly string[]).includes(httpsHost(payload) ?? "") ? "qq-url" : "other";
}
