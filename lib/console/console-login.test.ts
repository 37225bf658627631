import { expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/storage/database";
import { CONSOLE_PASSWORD as PASSWORD, consoleTestConfig as config } from "@/test/support/console-config";
import { describeOnDatabases } from "@/test/support/databases";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import { consoleLogin } from "./console-login";

const MINUTE = 60_000;

describeOnDatabases("console login", (dialect) => {
  async function withContext(fn: (ctx: TestContext, db: DatabaseHandle) => Promise<void>) {
    const db = await openTestDatabase(dialect);
    try {
      await fn(testContext(db, config()), db);
    } finally {
      await db.close();
    }
  }
  const attempt = (ctx: TestContext, clientIp: string, password = "wrong password", name = "ops") =>
    consoleLogin(ctx, { name, password, clientIp });
  const INVALID = { ok: false, reason: "invalid" };

  it("accepts the right password, refuses others without telling whether the user exists, and audits", () =>
    withContext(async (ctx, db) => {
      expect((await attempt(ctx, "1.1.1.1", PASSWORD)).ok).toBe(true);
      expect(await attempt(ctx, "1.1.1.1", PASSWORD, "nobody")).toEqual(INVALID);
      expect(await attempt(ctx, "1.1.1.1")).toEqual(INVALID);
      const logins = await db.db.selectFrom("console_audit").selectAll().where("action", "=", "login").execute();
      expect(logins.map((l) => [l.user_name, l.detail])).toEqual([["ops", "from 1.1.1.1"]]);
    }));

  it("the owner with the right password from a clean address gets in while the name is guessed from many", () =>
    withContext(async (ctx) => {
      // 30 wrong passwords on the name from 10 addresses (and in other spellings of the name): today's attack.
      for (let i = 0; i < 30; i++) {
        const name = ["ops", "OPS", "Ops"][i % 3]!;
        expect(await attempt(ctx, `203.0.113.${i % 10}`, "guess", name)).toMatchObject({ ok: false });
        ctx.clock.advance(1000);
      }
      expect((await attempt(ctx, "198.51.100.7", PASSWORD)).ok).toBe(true);
      // …and from another clean address, again and again: the guessing never turns into a lockout of the owner.
      ctx.clock.advance(MINUTE);
      expect((await attempt(ctx, "198.51.100.8", PASSWORD)).ok).toBe(true);
    }));

  it("guessing stays slow: per name and address, per address, and a back-off for addresses that failed", () =>
    withContext(async (ctx) => {
      // One (name, address) pair: five failures, then refused for the rest of its 15 minutes, even the right password.
      for (let i = 0; i < 5; i++) expect(await attempt(ctx, "192.0.2.1")).toEqual(INVALID);
      const blocked = await attempt(ctx, "192.0.2.1", PASSWORD);
      expect(blocked).toMatchObject({ ok: false, reason: "rate_limited" });
      if (!blocked.ok && blocked.reason === "rate_limited") expect(blocked.retryAfterMs).toBe(15 * MINUTE);

      // The name is now being guessed: an address that fails on it once waits before its next try, longer each time.
      ctx.clock.advance(1000);
      expect(await attempt(ctx, "192.0.2.2")).toEqual(INVALID);
      const waited = await attempt(ctx, "192.0.2.2", PASSWORD);
      expect(waited).toMatchObject({ ok: false, reason: "rate_limited" });
      const firstWait = !waited.ok && waited.reason === "rate_limited" ? waited.retryAfterMs : 0;
      expect(firstWait).toBeGreaterThan(0);
      ctx.clock.advance(firstWait);
      expect(await attempt(ctx, "192.0.2.2")).toEqual(INVALID);
      const again = await attempt(ctx, "192.0.2.2");
      expect(again).toMatchObject({ ok: false, reason: "rate_limited" });
      if (!again.ok && again.reason === "rate_limited") expect(again.retryAfterMs).toBeGreaterThan(firstWait);

      // The owner logging in from a clean address does not set the guessing addresses free.
      expect((await attempt(ctx, "198.51.100.7", PASSWORD)).ok).toBe(true);
      expect(await attempt(ctx, "192.0.2.1", PASSWORD)).toMatchObject({ ok: false, reason: "rate_limited" });
      expect(await attempt(ctx, "192.0.2.2", PASSWORD)).toMatchObject({ ok: false, reason: "rate_limited" });

      // One address, many names: refused after 50 failures in 15 minutes, whichever name it tries next.
      for (let i = 0; i < 50; i++) expect(await attempt(ctx, "192.0.2.50", "x", `user-${i}`)).toEqual(INVALID);
      expect(await attempt(ctx, "192.0.2.50", PASSWORD)).toMatchObject({ ok: false, reason: "rate_limited" });
      // Its windows pass: the address and the pair may try again.
      ctx.clock.advance(60 * MINUTE);
      expect((await attempt(ctx, "192.0.2.50", PASSWORD)).ok).toBe(true);
      expect((await attempt(ctx, "192.0.2.1", PASSWORD)).ok).toBe(true);
    }));
});
