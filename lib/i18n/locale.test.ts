import { describe, expect, it } from "vitest";
import { fmt, localeFromHeader, resolveLocale } from "./locale";

describe("fmt", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(fmt("请务必付款 {amount} 元", { amount: "10.01" })).toBe("请务必付款 10.01 元");
    expect(fmt("{a}{b}", { a: 1 })).toBe("1{b}");
  });
});

describe("resolveLocale", () => {
  it.each([
    [null, null, "zh-CN"],
    [null, "en-US,en;q=0.9", "en"],
    [null, "fr-FR,en;q=0.5,zh;q=0.8", "zh-CN"],
    [null, "fr-FR,de;q=0.5", "zh-CN"],
    [null, "zh-TW;q=0,en;q=0.1", "en"],
    ["en", "zh-CN", "en"],
    ["zh-CN", "en", "zh-CN"],
    ["xx", "en", "en"],
  ] as const)("lang=%s accept=%s → %s", (lang, accept, expected) => {
    expect(resolveLocale(lang, accept)).toBe(expected);
  });
});

describe("localeFromHeader", () => {
  it.each([
    ["en", "en"],
    ["zh-CN", "zh-CN"],
    [null, "zh-CN"],
    ["", "zh-CN"],
    ["fr", "zh-CN"],
    ['en"><script>', "zh-CN"],
  ] as const)("%s → %s", (value, expected) => {
    expect(localeFromHeader(value)).toBe(expected);
  });
});
