import { describe, expect, it } from "vitest";
import { LogSampler } from "./log-sampler";

describe("LogSampler", () => {
  it("logs the first N a minute, then one in K with the skipped count, and starts over each minute", () => {
    const s = new LogSampler(3, 10);
    const logged = Array.from({ length: 2_000 }, () => s.take("ch", 1_000)).filter((x) => x !== null);
    expect(logged.length).toBe(3 + Math.floor((2_000 - 3) / 10));
    expect(logged.slice(0, 4)).toEqual([0, 0, 0, 9]);
    expect(s.take("ch", 61_000)).toBe(0);
    expect(s.take("other", 1_000)).toBe(0);
  });
});
