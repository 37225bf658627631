import { describe, expect, it } from "vitest";
import { consolePasswordHash as hash, consoleTestConfig as config } from "@/test/support/console-config";
import { canSeeMerchant, channelIdsInScope, scopeFor } from "./console-scope";

describe("console scope", () => {
  it("a scoped user sees their merchants and those merchants' channels; '*' sees everything", () => {
    const c = config([
      { name: "one", password_hash: hash, merchants: ["k1"] },
      { name: "all", password_hash: hash, merchants: "*" },
    ]);
    const one = scopeFor(c, c.consoleUsers[0]!);
    expect(one.appkeys).toEqual(["k1"]);
    expect(canSeeMerchant(one, "k1")).toBe(true);
    expect(canSeeMerchant(one, "k2")).toBe(false);
    expect(channelIdsInScope(one)).toEqual(["a", "shared"]);
    const all = scopeFor(c, c.consoleUsers[1]!);
    expect(all.appkeys).toBeNull();
    expect(canSeeMerchant(all, "k2")).toBe(true);
    expect(all.channels.map((ch) => ch.id)).toEqual(["a", "b", "shared", "unused"]);
  });
});
