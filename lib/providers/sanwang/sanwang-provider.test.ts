import { describe, expect, it } from "vitest";
import { sanwangChannelSchema } from "./config";
import { alipayQrContent, isMonitorCode } from "./sanwang-codes";
import { sanwangFailureAck, sanwangKeyMatches, sanwangSuccessAck } from "./sanwang-provider";

describe("sanwang channel config", () => {
  const base = { id: "sw", provider: "sanwang", key: "k" };
  const message = (input: Record<string, unknown>) => {
    const r = sanwangChannelSchema.safeParse({ ...base, ...input });
    return r.success ? null : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join(" | ");
  };

  it.each([
    [{ types: ["wxpay"] }, "monitor_url: a sanwang channel serving wxpay needs monitor_url"],
    [{ types: ["qqpay"] }, "monitor_url: a sanwang channel serving qqpay needs monitor_url"],
    [{ types: ["alipay"] }, "alipay_uid: a sanwang channel serving alipay needs alipay_uid"],
    [
      { types: ["wxpay", "qqpay"], monitor_url: "http://127.0.0.1:8080/" },
      "types: WeChat and QQ run as separate monitor programs",
    ],
    [
      { types: ["alipay"], alipay_uid: "1", alipay_qr_template: "http://x/?a={amount}" },
      "alipay_qr_template: must contain {amount} and {desc}",
    ],
  ])("refuses %j with a clear message", (input, expected) => {
    expect(message(input)).toContain(expected);
  });

  it("defaults the return flag and the seed's Alipay template", () => {
    const c = sanwangChannelSchema.parse({
      ...base,
      types: ["alipay", "wxpay"],
      alipay_uid: "2088",
      monitor_url: "http://127.0.0.1:8080/",
    });
    expect(c.return_flag).toBe("#");
    expect(c.alipay_qr_template).toBe("http://pay.oksvn.com/alipayqr.aspx?uid={uid}&amount={amount}&desc={desc}");
  });
});

describe("sanwang wire details", () => {
  it("fills the Alipay template URL-encoded, amount in yuan", () => {
    const c = sanwangChannelSchema.parse({
      id: "sw",
      provider: "sanwang",
      key: "k",
      types: ["alipay"],
      alipay_uid: "2088 1",
      alipay_qr_template: "https://q.example/?u={uid}&a={amount}&d={desc}",
    });
    expect(alipayQrContent(c, 1005, "a&b")).toBe("https://q.example/?u=2088%201&a=10.05&d=a%26b");
  });

  it("acks with a body containing the flag, and fails with one that never does", () => {
    expect(sanwangSuccessAck("#").body).toContain("#");
    for (const flag of ["#", "OK", "f", "ai", "fail"]) expect(sanwangFailureAck(flag).body).not.toContain(flag);
  });

  it("compares the key exactly (case matters), in constant time", () => {
    expect(sanwangKeyMatches("123456", "123456")).toBe(true);
    expect(sanwangKeyMatches("abcDEF", "abcdef")).toBe(false);
    expect(sanwangKeyMatches("123456", "")).toBe(false);
  });

  it("accepts only codes of the asked wallet from the monitor", () => {
    expect(isMonitorCode("wxpay", "wxp://f2f1w2FV5UUuZd3DK4w13KHwi6lI4OgaXaDd")).toBe(true);
    expect(isMonitorCode("qqpay", "https://i.qianbao.qq.com/wallet/sqrcode.htm?m=tenpay&a=1")).toBe(true);
    expect(isMonitorCode("wxpay", "https://i.qianbao.qq.com/wallet/sqrcode.htm")).toBe(false);
    expect(isMonitorCode("qqpay", "https://qq.com.evil.example/x")).toBe(false);
    expect(isMonitorCode("wxpay", "key错误")).toBe(false);
  });
});
