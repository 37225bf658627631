import { describe, expect, it } from "vitest";
import { alipayIntentLink, alipaySchemeLink } from "./wallet-links";

describe("wallet links", () => {
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
