import { describe, expect, it } from "vitest";
import { formatYuan, MAX_FEN, parseFen, parseYuan } from "./money";

describe("parseYuan", () => {
  it.each([
    ["0.1", 10],
    ["10", 1000],
    ["10.00", 1000],
    ["10.5", 1050],
    ["0.01", 1],
    ["0", 0],
    ["0.29", 29], // 0.29 * 100 is 28.999999999999996 in floating point
    ["1.15", 115], // and 1.15 * 100 is 114.99999999999999
    ["10000000", MAX_FEN],
  ])("%s yuan is %i fen", (input, fen) => {
    expect(parseYuan(input)).toBe(fen);
  });

  it.each([
    "10.001",
    "-1",
    "1e3",
    " 1",
    "1 ",
    "",
    ".5",
    "5.",
    "1,00",
    "+1",
    "0x10",
    "１０",
    "NaN",
    "Infinity",
    "10000000.01",
    "99999999999999999999",
  ])("refuses %j", (input) => {
    expect(parseYuan(input)).toBeNull();
  });
});

describe("formatYuan", () => {
  it.each([
    [0, "0.00"],
    [1, "0.01"],
    [10, "0.10"],
    [1023, "10.23"],
    [100000, "1000.00"],
  ])("%i fen is %s", (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it("round-trips every parsed value", () => {
    for (const s of ["0.01", "0.10", "12.34", "99999.99"]) expect(formatYuan(parseYuan(s)!)).toBe(s);
  });

  it("refuses non-integers", () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
  });
});

describe("parseFen", () => {
  it("accepts plain non-negative integers only", () => {
    expect(parseFen("1023")).toBe(1023);
    expect(parseFen("0")).toBe(0);
    for (const bad of ["10.23", "-1", "1e3", "", " 1", "abc", "99999999999"]) expect(parseFen(bad)).toBeNull();
  });
});
