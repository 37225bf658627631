import { describe, expect, it } from "vitest";
import { javaYuan } from "@/test/support/emulators";
import { vmqChannelSchema } from "./config";
import { heartSign, parseJavaYuan, parseMillis, pushSign } from "./vmq-wire";

describe("vmq channel config", () => {
  const base = { id: "v1", provider: "vmq", key: "k", types: ["wxpay"], codes: { wxpay: "wxp://x" } };
  const problems = (input: Record<string, unknown>) => {
    const r = vmqChannelSchema.safeParse({ ...base, ...input });
    return r.success ? null : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join(" | ");
  };

  it("defaults offset up, 10 amounts, offline after 60 s, no fixed codes", () => {
    expect(vmqChannelSchema.parse(base)).toMatchObject({
      offset: "up",
      max_offsets: 10,
      offline_after_seconds: 60,
      fixed_codes: [],
    });
  });

  it.each([
    [{ types: ["alipay"] }, "codes.alipay: a vmq channel serving alipay needs codes.alipay"],
    [{ types: ["qqpay"], codes: {} }, "types.0: the V免签 app reports WeChat (wxpay) and Alipay (alipay) only"],
    [
      { fixed_codes: [{ type: "alipay", price: "1.00", content: "x" }] },
      "fixed_codes.0.type: the channel does not serve alipay",
    ],
    [{ fixed_codes: [{ type: "wxpay", price: "1.005", content: "x" }] }, "fixed_codes.0.price: must be a yuan amount"],
    [{ offset: "sideways" }, "offset"],
    [{ max_offsets: 0 }, "max_offsets"],
    [{ key: "" }, "key"],
  ])("refuses %j naming the key", (input, expected) => {
    expect(problems(input)).toContain(expected);
  });
});

describe("vmq monitor wire", () => {
  it.each([
    ["10.0", 1000],
    ["0.01", 1],
    ["12.5", 1250],
    ["100.25", 10025],
    ["10", 1000],
    ["9.90", 990],
  ])("reads Java's %s as %i fen", (input, fen) => {
    expect(parseJavaYuan(input)).toBe(fen);
  });

  it.each(["1.005", "-1.0", "1e3", "1.0E7", "", " 1.0", "abc", "1,0"])("refuses %j", (input) => {
    expect(parseJavaYuan(input)).toBeNull();
  });

  it("the emulator's Java formatting round-trips through the parser", () => {
    for (const fen of [1, 10, 99, 100, 101, 110, 1000, 1001, 1010, 123456])
      expect(parseJavaYuan(javaYuan(fen))).toBe(fen);
    expect([javaYuan(1000), javaYuan(1), javaYuan(1250), javaYuan(1005)]).toEqual(["10.0", "0.01", "12.5", "10.05"]);
  });

  it("reads t as Java writes a long: a leading zero would be a second spelling of one time", () => {
    expect(parseMillis("1796322047556")).toBe(1796322047556);
    expect([parseMillis("01796322047556"), parseMillis("179632204"), parseMillis("1.7e12"), parseMillis(null)]).toEqual(
      [null, null, null, null],
    );
  });

  it("signs over the exact strings: 10.0 and 10.00 differ", () => {
    expect(pushSign("1", "10.0", "1700000000000", "k")).not.toBe(pushSign("1", "10.00", "1700000000000", "k"));
    expect(heartSign("1700000000000", "k")).toMatch(/^[0-9a-f]{32}$/);
  });
});
