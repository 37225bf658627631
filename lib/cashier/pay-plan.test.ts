import { describe, expect, it } from "vitest";
import { alipayIntentLink, alipaySchemeLink } from "@/lib/wallet-links";
import { planPayment } from "./pay-plan";
import { payloadKind } from "@/lib/orders/payload-kind";
import { detectAgent } from "./user-agent";
import { UA } from "@/test/support/user-agents";

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
