import { describe, expect, it } from "vitest";
import { en } from "./en";
import { zhCN } from "./zh-cn";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the English catalogue", () => {
  it("en has exactly the zh-CN keys, none empty, with the same placeholders", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(zhCN[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
      expect(placeholders(en[key]), key).toEqual(placeholders(zhCN[key]));
    }
  });

  it("a sandbox order's note says it is a test merchant, and demo mode has its own notice", () => {
    expect(zhCN.sandboxNote).toContain("测试商户");
    expect(en.sandboxNote).toContain("Test merchant");
    expect(zhCN.demoModeTitle).toBe("演示模式");
    expect(en.demoModeBody).toMatch(/demo merchant/);
  });
});
