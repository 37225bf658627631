import type { PayType } from "@/lib/pay-types";

/**
 * What a QR payload is, which decides what a phone can do with it (PROTOCOLS §4):
 * - `alipay-url`: an https Alipay code URL, which the `alipays://` scheme and the Alipay webview can open directly;
 * - `wechat-personal`: a `wxp://` personal code, payable by long-press in WeChat or scanned from the album;
 * - `wechat-native`: an official `weixin://wxpay/bizpayurl` Native code, payable only by scanning with the camera;
 * - `qq-url`: an https QQ-wallet URL, which the QQ app takes over when opened;
 * - `page`: the cashier page itself (the sandbox), nothing to wake;
 * - `other`: anything else: show the QR and nothing more.
 */
export type PayloadKind = "alipay-url" | "wechat-personal" | "wechat-native" | "qq-url" | "page" | "other";

export function payloadKind(type: PayType, payload: string, pageUrl: string): PayloadKind {
  if (payload === pageUrl) return "page";
  const lower = payload.toLowerCase();
  if (type === "wxpay") {
    if (lower.startsWith("wxp://")) return "wechat-personal";
    if (lower.startsWith("weixin://wxpay/bizpayurl")) return "wechat-native";
    return "other";
  }
  if (!lower.startsWith("https://")) return "other";
  return type === "alipay" ? "alipay-url" : "qq-url";
}
