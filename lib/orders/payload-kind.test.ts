import { describe, expect, it } from "vitest";
import { payloadKind } from "./payload-kind";

describe("payloadKind", () => {
  const page = "http://localhost:3000/pay/abc";
  it.each([
    ["alipay", "https://qr.alipay.com/fkx1", "alipay-url"],
    ["alipay", "http://pay.oksvn.com/alipayqr.aspx?uid=1", "other"],
    ["wxpay", "wxp://f2f0abc", "wechat-personal"],
    ["wxpay", "weixin://wxpay/bizpayurl?pr=abc", "wechat-native"],
    ["qqpay", "https://i.qianbao.qq.com/wallet/sqrcode.htm?a=1", "qq-url"],
    ["qqpay", page, "page"],
  ] as const)("%s %s → %s", (type, payload, kind) => {
    expect(payloadKind(type, payload, page)).toBe(kind);
  });
});
