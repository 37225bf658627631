import { describe, expect, it } from "vitest";
import type { ChannelConfig } from "@/lib/providers/registry";
import { channelsForType, inHours, rotate, rulesAllow } from "./select-channel";

/** A small seeded PRNG (mulberry32), so a failure is reproducible. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ch = (id: string, types: ChannelConfig["types"] = ["wxpay"]): ChannelConfig => ({
  id,
  provider: "sandbox",
  types,
  key: "sandbox",
});
const channels = [ch("a"), ch("b"), ch("c"), ch("d")];
// 2026-11-22 12:00 in Shanghai is 04:00 UTC.
const NOON = Date.UTC(2026, 10, 22, 4, 0, 0);

describe("rotation (docs/protocols/cloudpay.md#channel-rotation)", () => {
  it("smart never repeats the channel of the last completed payment while another is available", () => {
    const random = seeded(42);
    const counts = new Map<string, number>();
    let last: string | undefined;
    for (let i = 0; i < 2000; i++) {
      const picked = rotate(channels, "smart", { lastPaidChannel: last, collectedToday: new Map() }, random).id;
      if (last !== undefined) expect(picked).not.toBe(last);
      counts.set(picked, (counts.get(picked) ?? 0) + 1);
      last = picked; // every order gets paid
    }
    // ...and it still spreads over all channels.
    for (const c of channels) expect(counts.get(c.id)).toBeGreaterThan(400);
  });

  /** Simulates a day of payments of random size under a strategy; returns the spread of the channels' totals. */
  function daySpread(rotation: "uniform" | "random", checkTop: boolean): number {
    const random = seeded(7);
    const today = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      let top: string | undefined;
      let max = 0;
      for (const [id, v] of today) if (v > max) [top, max] = [id, v];
      const picked = rotate(channels, rotation, { collectedToday: today }, random).id;
      if (checkTop && top !== undefined) expect(picked).not.toBe(top);
      today.set(picked, (today.get(picked) ?? 0) + 100 + Math.floor(random() * 900));
    }
    const totals = [...today.values()];
    return Math.max(...totals) - Math.min(...totals);
  }

  it("uniform never picks today's top collector while another is available", () => {
    const uniform = daySpread("uniform", true);
    // Skipping the leader keeps the day's totals within a few payments of each other, unlike plain random.
    expect(uniform).toBeLessThan(4000);
    expect(daySpread("random", false)).toBeGreaterThan(uniform * 2);
  });

  it("random picks every channel, roughly evenly", () => {
    const random = seeded(99);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const id = rotate(
        channels,
        "random",
        { lastPaidChannel: "a", collectedToday: new Map([["a", 10_000]]) },
        random,
      ).id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const c of channels) expect(counts.get(c.id)).toBeGreaterThan(850);
    expect(counts.get("a")).toBeGreaterThan(850); // random ignores last-paid and totals
  });

  it("an exclusion never empties the list", () => {
    expect(rotate([ch("only")], "smart", { lastPaidChannel: "only", collectedToday: new Map() }, seeded(1)).id).toBe(
      "only",
    );
    expect(rotate([ch("only")], "uniform", { collectedToday: new Map([["only", 5]]) }, seeded(1)).id).toBe("only");
  });
});

describe("rules", () => {
  it("price range in fen, inclusive", () => {
    const rules = { min_price: "1.00", max_price: "5000.00" };
    expect(rulesAllow(rules, 99, NOON)).toBe(false);
    expect(rulesAllow(rules, 100, NOON)).toBe(true);
    expect(rulesAllow(rules, 500_000, NOON)).toBe(true);
    expect(rulesAllow(rules, 500_001, NOON)).toBe(false);
    expect(rulesAllow(undefined, 1, NOON)).toBe(true);
  });

  it("collection hours are Asia/Shanghai time and may wrap past midnight", () => {
    expect(inHours(["08:00-23:30"], NOON)).toBe(true);
    expect(inHours(["13:00-23:30"], NOON)).toBe(false);
    const at = (h: number, m = 0) => NOON + ((h - 12) * 60 + m) * 60_000;
    expect(inHours(["08:00-23:30"], at(23, 29))).toBe(true);
    expect(inHours(["08:00-23:30"], at(23, 30))).toBe(false);
    expect(inHours(["22:00-02:00"], at(23))).toBe(true);
    expect(inHours(["22:00-02:00"], at(12 + 13, 30))).toBe(true); // 01:30 the next day
    expect(inHours(["22:00-02:00"], at(12 + 14))).toBe(false); // 02:00
  });

  it("channels for a type keep the merchant's order", () => {
    const all = [ch("x", ["alipay"]), ch("y", ["wxpay", "alipay"]), ch("z", ["qqpay"])];
    expect(channelsForType(all, ["y", "x", "z"], "alipay").map((c) => c.id)).toEqual(["y", "x"]);
    expect(channelsForType(all, ["z"], "alipay")).toEqual([]);
  });
});
