import { describe, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config";
import { openTestDatabase, testAppConfig, testContext } from "@/test/support/test-context";
import { consoleLogin } from "./console-login";
import { canSeeMerchant, channelIdsInScope, scopeFor } from "./console-scope";
import { csrfMatches, readConsoleSession, sealConsoleSession, SESSION_TTL_MS } from "./console-session";
import { memoryLoginLimiter } from "./login-limiter";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./password";

const PASSWORD = "correct horse battery";
const hash = await hashPassword(PASSWORD);

function config(users: { name: string; password_hash: string; merchants: "*" | string[] }[] = [{ name: "ops", password_hash: hash, merchants: ["k1"] }]) {
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

describe("console session", () => {
  const T0 = 1_800_000_000_000;

  it("round-trips, and CSRF tokens must match exactly", async () => {
    const c = config();
    const { sealed, data } = await sealConsoleSession(c, c.consoleUsers[0]!, T0);
    const s = await readConsoleSession(c, sealed, T0 + 1000);
    expect(s).toMatchObject({ user: "ops", csrf: data.csrf });
    expect(csrfMatches(s!, data.csrf)).toBe(true);
    expect(csrfMatches(s!, data.csrf.slice(1))).toBe(false);
    expect(csrfMatches(s!, `${data.csrf.slice(0, -1)}x`)).toBe(data.csrf.endsWith("x"));
    expect(csrfMatches(s!, undefined)).toBe(false);
    expect(csrfMatches(s!, "")).toBe(false);
  });

  it("expires 8 hours after login", async () => {
    const c = config();
    const { sealed } = await sealConsoleSession(c, c.consoleUsers[0]!, T0);
    expect(await readConsoleSession(c, sealed, T0 + SESSION_TTL_MS - 1)).not.toBeNull();
    expect(await readConsoleSession(c, sealed, T0 + SESSION_TTL_MS)).toBeNull();
  });

  it("ends when the user is removed or their password changes, and refuses forged or foreign seals", async () => {
    const c = config();
    const { sealed } = await sealConsoleSession(c, c.consoleUsers[0]!, T0);
    expect(await readConsoleSession(config([{ name: "ops", password_hash: await hashPassword("a new password"), merchants: ["k1"] }]), sealed, T0)).toBeNull();
    expect(await readConsoleSession(config([{ name: "other", password_hash: hash, merchants: "*" }]), sealed, T0)).toBeNull();
    expect(await readConsoleSession({ ...c, sessionSecret: "y".repeat(32) }, sealed, T0)).toBeNull();
    expect(await readConsoleSession(c, `${sealed.slice(0, -4)}AAAA`, T0)).toBeNull();
    expect(await readConsoleSession(c, undefined, T0)).toBeNull();
  });
});

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

describe("login", () => {
  it("accepts the right password, refuses others without telling whether the user exists, and rate-limits", async () => {
    const db = await openTestDatabase("sqlite");
    try {
      const ctx = testContext(db, config());
      const limiters = { byUser: memoryLoginLimiter(3, 60_000), byIp: memoryLoginLimiter(100, 60_000) };
      const ok = await consoleLogin(ctx, { name: "ops", password: PASSWORD, clientIp: "1.1.1.1" }, limiters);
      expect(ok.ok).toBe(true);
      if (ok.ok) expect(await readConsoleSession(ctx.config, ok.sealed, ctx.now())).toMatchObject({ user: "ops" });
      expect(await consoleLogin(ctx, { name: "nobody", password: PASSWORD, clientIp: "1.1.1.1" }, limiters)).toEqual({ ok: false, reason: "invalid" });
      for (let i = 0; i < 3; i++) {
        expect(await consoleLogin(ctx, { name: "ops", password: "wrong", clientIp: `2.2.2.${i}` }, limiters)).toEqual({ ok: false, reason: "invalid" });
      }
      // The fourth try within the window is refused before the password is even checked, from any address.
      const limited = await consoleLogin(ctx, { name: "ops", password: PASSWORD, clientIp: "3.3.3.3" }, limiters);
      expect(limited).toMatchObject({ ok: false, reason: "rate_limited" });
      if (!limited.ok && limited.reason === "rate_limited") expect(limited.retryAfterMs).toBe(60_000);
      ctx.clock.advance(60_001);
      expect((await consoleLogin(ctx, { name: "ops", password: PASSWORD, clientIp: "3.3.3.3" }, limiters)).ok).toBe(true);
      const logins = await db.db.selectFrom("console_audit").selectAll().where("action", "=", "login").execute();
      expect(logins.map((l) => l.user_name)).toEqual(["ops", "ops"]);
    } finally {
      await db.close();
    }
  });

  it("counts failures per address too", () => {
    const byIp = memoryLoginLimiter(2, 1000);
    byIp.recordFailure(["9.9.9.9"], 0);
    expect(byIp.retryAfter(["9.9.9.9"], 10)).toBe(0);
    byIp.recordFailure(["9.9.9.9"], 100);
    expect(byIp.retryAfter(["9.9.9.9"], 200)).toBe(800);
    expect(byIp.retryAfter(["8.8.8.8"], 200)).toBe(0);
    expect(byIp.retryAfter(["9.9.9.9"], 1001)).toBe(0);
  });
});
