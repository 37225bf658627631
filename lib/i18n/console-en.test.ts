import { describe, expect, it } from "vitest";
import { consoleEn } from "./console-en";
import { consoleZhCN } from "./console-zh-cn";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("console messages", () => {
  it("en has exactly the zh-CN keys, none empty, with the same placeholders", () => {
    expect(Object.keys(consoleEn).sort()).toEqual(Object.keys(consoleZhCN).sort());
    for (const key of Object.keys(consoleZhCN) as (keyof typeof consoleZhCN)[]) {
      expect(consoleZhCN[key].trim(), key).not.toBe("");
      expect(consoleEn[key].trim(), key).not.toBe("");
      expect(placeholders(consoleEn[key]), key).toEqual(placeholders(consoleZhCN[key]));
    }
  });
});
