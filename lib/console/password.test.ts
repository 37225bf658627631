import { describe, expect, it } from "vitest";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./password";

const PASSWORD = "correct horse battery";
const hash = await hashPassword(PASSWORD);

describe("scrypt passwords", () => {
  it("verifies the right password only, in the documented format", async () => {
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword("correct horse battery ", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
    expect(await hashPassword(PASSWORD)).not.toBe(hash); // a fresh salt each time
  });

  it.each([
    ["not scrypt", "bcrypt$10$abc"],
    ["a cost that is not a power of two", hash.replace("$16384$", "$16383$")],
    ["an absurd cost", hash.replace("$16384$", `$${2 ** 24}$`)],
    ["a short hash", "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA"],
    ["the dummy hash", DUMMY_HASH],
  ])("refuses %s without throwing", async (_name, stored) => {
    expect(await verifyPassword(PASSWORD, stored)).toBe(false);
  });

  it("refuses passwords shorter than 8 characters", async () => {
    await expect(hashPassword("short")).rejects.toThrow(/8 characters/);
  });
});
