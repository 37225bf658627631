import { describe, expect, it } from "vitest";
import { CONSOLE_PASSWORD as PASSWORD, consoleTestConfig as config } from "@/test/support/console-config";
import { openTestDatabase, testContext } from "@/test/support/test-context";
import { consoleLogin } from "./console-login";
import { readConsoleSession } from "./console-session";
import { memoryLoginLimiter } from "./login-limiter";

describe("login", () => {
  it("accepts the right password, refuses others without telling whether the user exists, and rate-limits", async () => {
    const db = await openTestDatabase("sqlite");
    try {
      const ctx = testContext(db, config());
      const limiters = { byUser: memoryLoginLimiter(3, 60_000), byIp: memoryLoginLimiter(100, 60_000) };
      const ok = await consoleLogin(ctx, { name: "ops", password: PASSWORD, clientIp: "1.1.1.1" }, limiters);
      expect(ok.ok).toBe(true);
      if (ok.ok) expect(await readConsoleSession(ctx.config, ok.sealed, ctx.now())).toMatchObject({ user: "ops" });
      expect(await consoleLogin(ctx, { name: "nobody", password: PASSWORD, clientIp: "1.1.1.1" }, limiters)).toEqual({
        ok: false,
        reason: "invalid",
      });
      for (let i = 0; i < 3; i++) {
        expect(await consoleLogin(ctx, { name: "ops", password: "wrong", clientIp: `2.2.2.${i}` }, limiters)).toEqual({
          ok: false,
          reason: "invalid",
        });
      }
      // The fourth try within the window is refused before the password is even checked, from any address.
      const limited = await consoleLogin(ctx, { name: "ops", password: PASSWORD, clientIp: "3.3.3.3" }, limiters);
      expect(limited).toMatchObject({ ok: false, reason: "rate_limited" });
      if (!limited.ok && limited.reason === "rate_limited") expect(limited.retryAfterMs).toBe(60_000);
      ctx.clock.advance(60_001);
      expect((await consoleLogin(ctx, { name: "ops", password: PASSWORD, clientIp: "3.3.3.3" }, limiters)).ok).toBe(
        true,
      );
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
