import { describe, expect, it } from "vitest";
import { en } from "@/lib/i18n/en";
import { zhCN } from "@/lib/i18n/zh-cn";
import { albumSteps, insistOnAmount, scanSteps } from "./pay-steps";

describe("cashier steps for free-amount and fixed-amount codes", () => {
  it("a free-amount code makes typing the exact amount a step of its own", () => {
    expect(scanSteps(zhCN, "微信", true, "10.01")).toEqual([
      "打开微信",
      "点击“扫一扫”，扫描二维码",
      "输入金额 10.01 元（必须一分不差）",
      "确认付款",
    ]);
    expect(scanSteps(en, "Alipay", true, "0.99")[2]).toBe("Type the amount ¥0.99 (exactly, to the cent)");
  });

  it("a fixed-amount code needs no typing", () => {
    expect(scanSteps(zhCN, "支付宝", false, "6.66")).toEqual(["打开支付宝", "点击“扫一扫”", "扫描二维码，确认付款"]);
    expect(scanSteps(zhCN, "支付宝", false, "6.66").join("")).not.toContain("输入金额");
  });

  it("WeChat album steps end with typing the amount on a free-amount code", () => {
    expect(albumSteps(zhCN, false, true, "5.02").slice(-2)).toEqual(["输入金额 5.02 元（必须一分不差）", "确认付款"]);
    expect(albumSteps(zhCN, true, false, "5.02")).toEqual([zhCN.wxLongPressStep]);
  });

  it.each([
    ["10.00", "10.01", false, "offset"],
    ["10.00", "10.01", true, "offset"],
    ["10.00", "10.00", true, "free"],
    ["10.00", "10.00", false, null],
  ] as const)("price %s, amount %s, free %s → %s", (price, amount, free, expected) => {
    expect(insistOnAmount(price, amount, free)).toBe(expected);
  });

  it("the warning says the payment cannot arrive otherwise", () => {
    expect(zhCN.amountWarning.replace("{amount}", "10.01")).toBe("请务必付款 10.01 元，否则无法到账");
  });
});
