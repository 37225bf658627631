import { sealData } from "iron-session";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/storage/database";
import { consolePasswordHash as hash, consoleTestConfig as config } from "@/test/support/console-config";
import { describeOnDatabases } from "@/test/support/databases";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import {
  csrfMatches,
  endConsoleSession,
  readConsoleSession,
  startConsoleSession,
  SESSION_TTL_MS,
} from "./console-session";
import { hashPassword } from "./password";

describeOnDatabases("console session", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    ctx = testContext(db, config());
  });
  afterAll(() => db.close());
  const start = () => startConsoleSession(ctx, ctx.config.consoleUsers[0]!);
  const read = (sealed: string | undefined, over: Partial<TestContext> = {}) =>
    readConsoleSession({ ...ctx, ...over }, sealed);

  it("round-trips, and CSRF tokens must match exactly", async () => {
    const { sealed, session } = await start();
    const s = await read(sealed);
    expect(s).toMatchObject({ user: "ops", csrf: session.csrf });
    expect(csrfMatches(s!, session.csrf)).toBe(true);
    expect(csrfMatches(s!, session.csrf.slice(1))).toBe(false);
    expect(csrfMatches(s!, `${session.csrf.slice(0, -1)}x`)).toBe(session.csrf.endsWith("x"));
    expect(csrfMatches(s!, undefined)).toBe(false);
    expect(csrfMatches(s!, "")).toBe(false);
    // Each session has its own token.
    expect((await start()).session.csrf).not.toBe(session.csrf);
  });

  it("keeps only a hash of the session id in the database", async () => {
    const { sealed, session } = await start();
    const row = await db.db
      .selectFrom("console_sessions")
      .selectAll()
      .where("id_hash", "=", session.idHash)
      .executeTakeFirstOrThrow();
    expect(row.id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sealed).not.toContain(row.id_hash);
    expect(JSON.stringify(row)).not.toContain(session.csrf);
  });

  it("ends after the idle timeout (30 minutes by default), counted from its last use", async () => {
    const { sealed } = await start();
    const t0 = ctx.now();
    // Used at 20 minutes: the idle clock starts again from there (a use is recorded at most once a minute).
    expect(await read(sealed, { now: () => t0 + 20 * 60_000 })).not.toBeNull();
    expect(await read(sealed, { now: () => t0 + 49 * 60_000 })).not.toBeNull();
    expect(await read(sealed, { now: () => t0 + 49 * 60_000 + 30 * 60_000 })).toBeNull();
    // Once idle, the row is gone: going back in time does not revive it.
    expect(await read(sealed, { now: () => t0 + 50 * 60_000 })).toBeNull();
  });

  it("ends when the account is disabled in the database", async () => {
    const { sealed } = await start();
    const row = (await ctx.repos.consoleUsers.findConsoleUser("ops"))!;
    expect(await read(sealed)).toMatchObject({ user: "ops", account: { role: "owner", source: "file" } });
    await ctx.repos.consoleUsers.updateConsoleUser("ops", row.version, { disabled: true }, ctx.now());
    expect(await read(sealed)).toBeNull();
    const again = (await ctx.repos.consoleUsers.findConsoleUser("ops"))!;
    await ctx.repos.consoleUsers.updateConsoleUser("ops", again.version, { disabled: false }, ctx.now());
    expect(await read(sealed)).not.toBeNull();
  });

  it("expires 8 hours after login, and ends at logout", async () => {
    // An idle timeout as long as the session itself, so only the 8 hours are tested here.
    expect(
      await ctx.repos.consoleUsers.saveConsoleAccountSettings({ idleTimeoutMin: 480, requireTotp: false }, 0, 0),
    ).toBe(true);
    const { sealed, session } = await start();
    const t0 = ctx.now();
    expect(await read(sealed, { now: () => t0 + SESSION_TTL_MS - 1 })).not.toBeNull();
    expect(await read(sealed, { now: () => t0 + SESSION_TTL_MS })).toBeNull();
    await endConsoleSession(ctx, session);
    expect(await read(sealed)).toBeNull();
  });

  it("ends when the user is removed or their password changes, and refuses forged or foreign seals", async () => {
    const { sealed } = await start();
    const changed = config([{ name: "ops", password_hash: await hashPassword("a new password"), merchants: ["k1"] }]);
    expect(await read(sealed, { config: changed })).toBeNull();
    expect(await read(sealed, { config: config([{ name: "other", password_hash: hash, merchants: "*" }]) })).toBeNull();
    expect(await read(sealed, { config: { ...ctx.config, sessionSecret: "y".repeat(32) } })).toBeNull();
    expect(await read(`${sealed.slice(0, -4)}AAAA`)).toBeNull();
    expect(await read(undefined)).toBeNull();
    // A well-sealed id that was never issued (someone holding the secret but not the database) is refused too.
    const invented = await sealData({ sid: "A".repeat(43) }, { password: ctx.config.sessionSecret });
    expect(await read(invented)).toBeNull();
    expect(await read(sealed)).not.toBeNull();
  });
});
