import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "./circuit-breaker";

describe("circuit breaker", () => {
  it("skips a channel after repeated failures for the cool-down, and a success closes it", () => {
    const b = new CircuitBreaker(3, 60_000);
    b.recordFailure("p", 0);
    b.recordFailure("p", 1);
    expect(b.isOpen("p", 2)).toBe(false);
    b.recordFailure("p", 2);
    expect(b.isOpen("p", 3)).toBe(true);
    expect(b.isOpen("p", 60_002)).toBe(false);
    b.recordFailure("p", 60_003);
    expect(b.isOpen("p", 60_004)).toBe(true);
    b.recordSuccess("p");
    expect(b.isOpen("p", 60_005)).toBe(false);
    expect(b.isOpen("other", 0)).toBe(false);
  });
});

describe("circuit breaker reasons", () => {
  it("keeps the last upstream error and when, after a success too, and the opens and closes", () => {
    const b = new CircuitBreaker(2, 1_000);
    b.recordFailure("p", 10, "PAYJS：无法连接（ECONNREFUSED）");
    b.recordFailure("p", 20, "上游通道超时（5000 ms）");
    const open = b.state("p", 30);
    expect(open).toMatchObject({ open: true, failures: 2, openUntil: 1_020 });
    expect(open.lastError).toBe("上游通道超时（5000 ms）");
    expect(open.lastErrorAt).toBe(20);
    expect(open.history).toEqual([{ kind: "open", at: 20 }]);
    b.recordSuccess("p", 500);
    const closed = b.state("p", 600);
    expect(closed).toMatchObject({ open: false, failures: 0, lastError: "上游通道超时（5000 ms）", lastErrorAt: 20 });
    expect(closed.history).toEqual([
      { kind: "open", at: 20 },
      { kind: "close", at: 500 },
    ]);
  });

  it("notes a close when the cool-down runs out by itself", () => {
    const b = new CircuitBreaker(1, 1_000);
    b.recordFailure("p", 0, "boom");
    expect(b.state("p", 2_000).history).toEqual([
      { kind: "open", at: 0 },
      { kind: "close", at: 1_000 },
    ]);
  });
});
