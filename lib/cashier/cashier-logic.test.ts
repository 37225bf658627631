import { describe, expect, it } from "vitest";
import { alipayIntentLink, alipaySchemeLink } from "./deep-links";
import { formatCountdown } from "./countdown";
import { pickHostOrigin } from "./embed-protocol";
import { planPayment } from "./pay-plan";
import { payloadKind } from "./payload-kind";
import { detectAgent } from "./user-agent";

const UA = {
  desktop: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  iphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  androidChrome:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  wechat:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN",
  qq: "Mozilla/5.0 (Linux; Android 13; V2196A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.87 MQQBrowser/6.2 TBS/046715 Mobile Safari/537.36 V1_AND_SQ_9.0.8_5196_YYB_D QQ/9.0.8.14755 NetType/WIFI",
  qqBrowser:
    "Mozilla/5.0 (Linux; Android 13; V2196A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/98.0.4758.87 MQQBrowser/14.2 Mobile Safari/537.36",
  alipay:
    "Mozilla/5.0 (Linux; Android 13; 22081212C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0 Mobile Safari/537.36 AlipayClient/10.5.0 Language/zh-Hans",
};

describe("detectAgent", () => {
  it.each([
    ["desktop", { mobile: false, os: "other", inApp: null, androidChrome: false }],
    ["iphone", { mobile: true, os: "ios", inApp: null, androidChrome: false }],
    ["androidChrome", { mobile: true, os: "android", inApp: null, androidChrome: true }],
    ["wechat", { mobile: true, os: "ios", inApp: "wechat", androidChrome: false }],
    ["qq", { mobile: true, os: "android", inApp: "qq", androidChrome: false }],
    ["qqBrowser", { mobile: true, os: "android", inApp: null, androidChrome: false }],
    ["alipay", { mobile: true, os: "android", inApp: "alipay", androidChrome: false }],
  ] as const)("%s", (name, expected) => {
    expect(detectAgent(UA[name])).toEqual(expected);
  });
  it("treats a missing UA as a desktop browser", () => {
    expect(detectAgent(null)).toMatchObject({ mobile: false, inApp: null });
  });
});

describe("deep links", () => {
  const code = "https://qr.alipay.com/fkx12345?t=1&x=a b";
  it("encodes the code URL into the scan applet", () => {
    expect(alipaySchemeLink(code)).toBe(
      "alipays://platformapi/startapp?saId=10000007&qrcode=https%3A%2F%2Fqr.alipay.com%2Ffkx12345%3Ft%3D1%26x%3Da%20b",
    );
    expect(alipayIntentLink(code)).toBe(
      "intent://platformapi/startapp?saId=10000007&qrcode=https%3A%2F%2Fqr.alipay.com%2Ffkx12345%3Ft%3D1%26x%3Da%20b#Intent;scheme=alipays;package=com.eg.android.AlipayGphone;end",
    );
  });
});

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

describe("planPayment", () => {
  const ali = "https://qr.alipay.com/fkx1";
  const qq = "https://i.qianbao.qq.com/wallet/sqrcode.htm?a=1";
  const plan = (type: "alipay" | "wxpay" | "qqpay", payload: string, ua: string) =>
    planPayment(type, payloadKind(type, payload, "x"), payload, detectAgent(ua));

  it("desktop gets the PC layout", () => expect(plan("alipay", ali, UA.desktop).layout).toBe("pc"));
  it("iPhone wakes Alipay with the scheme", () =>
    expect(plan("alipay", ali, UA.iphone)).toEqual({
      layout: "h5",
      phone: { kind: "wake", href: alipaySchemeLink(ali), label: "wakeAlipay" },
    }));
  it("Android Chrome wakes Alipay with an intent", () =>
    expect(plan("alipay", ali, UA.androidChrome).phone).toEqual({
      kind: "wake",
      href: alipayIntentLink(ali),
      label: "wakeAlipay",
    }));
  it("QQ Browser is an ordinary browser: scheme link", () =>
    expect(plan("alipay", ali, UA.qqBrowser).phone).toMatchObject({ kind: "wake", href: alipaySchemeLink(ali) }));
  it("inside Alipay: straight to the code", () =>
    expect(plan("alipay", ali, UA.alipay).phone).toMatchObject({ kind: "direct", href: ali }));
  it("Alipay inside WeChat or QQ: overlay", () => {
    expect(plan("alipay", ali, UA.wechat).phone).toEqual({ kind: "open-in-browser", app: "wechat" });
    expect(plan("alipay", ali, UA.qq).phone).toEqual({ kind: "open-in-browser", app: "qq" });
  });
  it("QQ wallet: https button, straight inside QQ, overlay in WeChat", () => {
    expect(plan("qqpay", qq, UA.iphone).phone).toEqual({ kind: "wake", href: qq, label: "openQq" });
    expect(plan("qqpay", qq, UA.qq).phone).toMatchObject({ kind: "direct", href: qq });
    expect(plan("qqpay", qq, UA.wechat).phone).toEqual({ kind: "open-in-browser", app: "wechat" });
  });
  it("WeChat personal vs Native codes", () => {
    expect(plan("wxpay", "wxp://f2f0abc", UA.iphone).phone).toEqual({ kind: "wechat-album", inWechat: false });
    expect(plan("wxpay", "wxp://f2f0abc", UA.wechat).phone).toEqual({ kind: "wechat-album", inWechat: true });
    expect(plan("wxpay", "weixin://wxpay/bizpayurl?pr=x", UA.androidChrome).phone).toEqual({
      kind: "wechat-other-device",
    });
  });
});

describe("pickHostOrigin", () => {
  const allowed = ["http://127.0.0.1:3211", "https://shop.example/"];
  it("accepts only an allowed origin, first match wins", () => {
    expect(pickHostOrigin(["https://evil.example", "https://shop.example/cart"], allowed)).toBe("https://shop.example");
    expect(pickHostOrigin([null, "http://127.0.0.1:3211"], allowed)).toBe("http://127.0.0.1:3211");
    expect(pickHostOrigin(["http://127.0.0.1:3212", "not a url", undefined], allowed)).toBeNull();
  });
});

describe("formatCountdown", () => {
  it.each([
    [0, "0:00"],
    [59, "0:59"],
    [300, "5:00"],
    [3599, "59:59"],
    [3600, "1:00:00"],
    [86_399, "23:59:59"],
    [-5, "0:00"],
  ])("%i s → %s", (s, text) => expect(formatCountdown(s)).toBe(text));
});
