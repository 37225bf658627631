import { beforeAll, afterAll, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/storage/database";
import { describeOnDatabases } from "@/test/support/databases";
import { openTestDatabase } from "@/test/support/test-context";
import { createRepositories, type Repositories } from "./repositories";

describeOnDatabases("console users repository", (dialect) => {
  let h: DatabaseHandle;
  let repos: Repositories;
  beforeAll(async () => {
    h = await openTestDatabase(dialect);
    repos = createRepositories(h.db);
  });
  afterAll(() => h.close());
  const users = () => repos.consoleUsers;
  const base = { password_hash: "scrypt$x", role: "operator" as const, source: "console" as const, now: 1000 };

  it("inserts once per name, reads back converted, lists by name", async () => {
    expect(await users().countConsoleUsers()).toBe(0);
    expect(await users().insertConsoleUser({ ...base, name: "zed", merchants: ["k1", "k2"] })).toBe(true);
    expect(await users().insertConsoleUser({ ...base, name: "zed", merchants: "*" })).toBe(false);
    expect(await users().insertConsoleUser({ ...base, name: "amy", merchants: "*", role: "owner" })).toBe(true);
    expect(await users().countConsoleUsers()).toBe(2);
    const zed = await users().findConsoleUser("zed");
    expect(zed).toMatchObject({
      name: "zed",
      role: "operator",
      merchants: ["k1", "k2"],
      disabled: false,
      totpSecret: null,
      recoveryCodes: [],
      version: 1,
      createdAt: 1000,
    });
    expect((await users().listConsoleUsers()).map((u) => u.name)).toEqual(["amy", "zed"]);
    expect(await users().findConsoleUser("nobody")).toBeUndefined();
  });

  it("updates only at the expected version, and bumps it", async () => {
    expect(await users().updateConsoleUser("zed", 1, { disabled: true, recoveryCodes: ["a", "b"] }, 2000)).toBe(true);
    // A second save from the same stale form is refused: nothing half-applied.
    expect(await users().updateConsoleUser("zed", 1, { role: "owner" }, 2001)).toBe(false);
    const zed = await users().findConsoleUser("zed");
    expect(zed).toMatchObject({
      disabled: true,
      role: "operator",
      recoveryCodes: ["a", "b"],
      version: 2,
      updatedAt: 2000,
    });
    expect(
      await users().updateConsoleUser("zed", 2, { totpSecret: "ABC", totpLastStep: 42, merchants: "*" }, 2002),
    ).toBe(true);
    expect(await users().findConsoleUser("zed")).toMatchObject({ totpSecret: "ABC", totpLastStep: 42, merchants: "*" });
    expect(await users().deleteConsoleUser("zed")).toBe(true);
    expect(await users().deleteConsoleUser("zed")).toBe(false);
  });

  it("account settings: defaults, then version-guarded saves", async () => {
    expect(await users().consoleAccountSettings()).toEqual({ idleTimeoutMin: 30, requireTotp: false, version: 0 });
    expect(await users().saveConsoleAccountSettings({ idleTimeoutMin: 10, requireTotp: true }, 0, 1)).toBe(true);
    expect(await users().saveConsoleAccountSettings({ idleTimeoutMin: 11, requireTotp: false }, 0, 2)).toBe(false);
    expect(await users().saveConsoleAccountSettings({ idleTimeoutMin: 12, requireTotp: false }, 1, 3)).toBe(true);
    expect(await users().consoleAccountSettings()).toEqual({ idleTimeoutMin: 12, requireTotp: false, version: 2 });
  });

  it("a setup token is usable until used or expired, and is used once however many race", async () => {
    await users().replaceSetupToken({ tokenHash: "t1", createdAt: 0, expiresAt: 100 });
    await users().replaceSetupToken({ tokenHash: "t2", createdAt: 0, expiresAt: 100 });
    expect(await users().setupTokenUsable("t1", 50)).toBe(false); // replaced by the newer link
    expect(await users().setupTokenUsable("t2", 50)).toBe(true);
    expect(await users().setupTokenUsable("t2", 100)).toBe(false);
    const wins = await Promise.all(Array.from({ length: 8 }, () => users().consumeSetupToken("t2", 60)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await users().setupTokenUsable("t2", 61)).toBe(false);
  });

  it("lists a user's sessions with their activity and ends all but one", async () => {
    for (const id of ["s1", "s2", "s3"])
      await repos.consoleSessions.insertConsoleSession({
        id_hash: id,
        user_name: id === "s3" ? "other" : "amy",
        pw_tag: "t",
        created_at: id === "s1" ? 10 : 20,
        expires_at: 10_000,
      });
    await users().touchConsoleSession("s1", 500, { clientIp: "10.0.0.1", userAgent: "UA" });
    const list = await users().listUserSessions("amy", 100);
    expect(list.map((s) => s.idHash)).toEqual(["s2", "s1"]);
    expect(list[1]).toEqual({ idHash: "s1", createdAt: 10, lastSeenAt: 500, clientIp: "10.0.0.1", userAgent: "UA" });
    expect(await users().endUserSessionsExcept("amy", "s2")).toBe(1);
    expect((await users().listUserSessions("amy", 100)).map((s) => s.idHash)).toEqual(["s2"]);
    expect(await users().endUserSessionsExcept("amy", null)).toBe(1);
    expect(await users().listUserSessions("other", 100)).toHaveLength(1);
  });
});
