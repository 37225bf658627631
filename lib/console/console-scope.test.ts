import { describe, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config";
import { testAppConfig } from "@/test/support/test-context";
import { canSeeMerchant, channelIdsInScope, scopeFor } from "./console-scope";
import { hashPassword } from "./password";

const PASSWORD = "correct horse battery";
const hash = await hashPassword(PASSWORD);

function config(
  users: { name: string; password_hash: string; merchants: "*" | string[] }[] = [
    { name: "ops", password_hash: hash, merchants: ["k1"] },
  ],
) {
  const file = configFileSchema.parse({
    merchants: [
      { appkey: "k1", appsecret: "s1secret", name: "One", channels: ["a", "shared"] },
      { appkey: "k2", appsecret: "s2secret", name: "Two", channels: ["b", "shared"] },
    ],
    channels: ["a", "b", "shared", "unused"].map((id) => ({ id, provider: "sandbox", types: ["alipay"] })),
    console: { users },
  });
  return testAppConfig(file);
}

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
