import { describe, expect, it } from "vitest";
import { formatCountdown } from "./countdown";

describe("formatCountdown", () => {
  it.each([
    [0, "0:00"],
    [59, "0:59"],
    [300, "5:00"],
    [3599, "59:59"],
    [3600, "1:00:00"],
    [86_399, "23:59:59"],
    [-5, "0:00"],
  ])("%i s → %s", (s, text) => expect(formatCountdown(s)).toBe(text));
});
