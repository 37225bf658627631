import { describe, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config/schema";

const HASH = `scrypt$16384$8$1$${"A".repeat(22)}$${"A".repeat(43)}`;
const base = {
  merchants: [{ appkey: "k1", appsecret: "s1secret", name: "Shop", channels: ["sb"] }],
  channels: [{ id: "sb", provider: "sandbox", types: ["alipay"] }],
};
const withUsers = (users: unknown[]) => ({ ...base, console: { users } });
const issues = (cfg: unknown) => {
  const r = configFileSchema.safeParse(cfg);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("console.users in the config file", () => {
  it("accepts scoped and all-merchant users; the key is optional", () => {
    expect(issues(base)).toEqual([]);
    expect(
      issues(
        withUsers([
          { name: "ops", password_hash: HASH, merchants: "*" },
          { name: "shop1", password_hash: HASH, merchants: ["k1"] },
        ]),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      "an unknown merchant",
      [{ name: "a", password_hash: HASH, merchants: ["nope"] }],
      /console\.users\.0\.merchants\.0: unknown merchant "nope"/,
    ],
    [
      "a duplicate name",
      [
        { name: "a", password_hash: HASH, merchants: "*" },
        { name: "a", password_hash: HASH, merchants: "*" },
      ],
      /console\.users\.1\.name: duplicate console user "a"/,
    ],
    [
      "a plain-text password",
      [{ name: "a", password_hash: "hunter22", merchants: "*" }],
      /console\.users\.0\.password_hash: must be a scrypt hash/,
    ],
    ["an empty merchant list", [{ name: "a", password_hash: HASH, merchants: [] }], /console\.users\.0\.merchants/],
    ["an unknown key", [{ name: "a", password_hash: HASH, merchants: "*", admin: true }], /console\.users\.0/],
    ["a bad name", [{ name: "a b", password_hash: HASH, merchants: "*" }], /console\.users\.0\.name/],
  ])("names the key for %s", (_name, users, pattern) => {
    expect(issues(withUsers(users)).join("\n")).toMatch(pattern);
  });
});
