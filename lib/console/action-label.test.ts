import { describe, expect, it } from "vitest";
import { consoleActionLabel } from "./action-label";
import { consoleEn } from "@/lib/i18n/console-en";
import { consoleZhCN } from "@/lib/i18n/console-zh-cn";

describe("consoleActionLabel", () => {
  it("names the refund, close, note and code_failed entries in both languages, not as stored", () => {
    for (const action of ["refund", "close", "note", "code_failed", "resend_shop", "credit"]) {
      const zh = consoleActionLabel(consoleZhCN, action);
      const en = consoleActionLabel(consoleEn, action);
      expect(zh).not.toBe(action);
      expect(en).not.toBe(action);
      expect(zh).not.toBe(en);
    }
    expect(consoleActionLabel(consoleZhCN, "refund")).toBe("退款");
  });

  it("shows an action it does not know as stored", () => {
    expect(consoleActionLabel(consoleZhCN, "future_action")).toBe("future_action");
  });
});
