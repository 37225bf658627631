import { describe, expect, it } from "vitest";
import { detectAgent } from "./user-agent";
import { UA } from "@/test/support/user-agents";

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
