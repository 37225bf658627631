import { describe, expect, it } from "vitest";
import { pickHostOrigin } from "./embed-protocol";

describe("pickHostOrigin", () => {
  const allowed = ["http://127.0.0.1:3211", "https://shop.example/"];
  it("accepts only an allowed origin, first match wins", () => {
    expect(pickHostOrigin(["https://evil.example", "https://shop.example/cart"], allowed)).toBe("https://shop.example");
    expect(pickHostOrigin([null, "http://127.0.0.1:3211"], allowed)).toBe("http://127.0.0.1:3211");
    expect(pickHostOrigin(["http://127.0.0.1:3212", "not a url", undefined], allowed)).toBeNull();
  });
});
