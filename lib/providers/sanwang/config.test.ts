import { describe, expect, it } from "vitest";
import { sanwangChannelSchema } from "./config";

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
