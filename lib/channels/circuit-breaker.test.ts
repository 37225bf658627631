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
