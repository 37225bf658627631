import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/storage/database";
import { CONSOLE_PASSWORD, consolePasswordHash, consoleTestConfig } from "@/test/support/console-config";
import { describeOnDatabases } from "@/test/support/databases";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import { findAccount, type ConsoleAccount } from "./accounts";
import {
  changeOwnPassword,
  createAccount,
  deleteAccount,
  resetAccountPassword,
  resetAccountTotp,
  updateAccount,
} from "./accounts-admin";
import { consoleLogin } from "./console-login";
import { readConsoleSession } from "./console-session";
import { completeSetup, createSetupLink, setupTokenValid, SETUP_TOKEN_TTL_MS } from "./setup";
import { totpCode } from "./totp";
import { beginTotp, confirmTotp, disableTotp } from "./totp-enrolment";

describeOnDatabases("console accounts", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  // `root` (every merchant) and `scoped` (k1 only) are file accounts, owners by default.
  const config = consoleTestConfig([
    { name: "root", password_hash: consolePasswordHash, merchants: "*" },
    { name: "scoped", password_hash: consolePasswordHash, merchants: ["k1"] },
  ]);
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    ctx = testContext(db, config);
  });
  afterAll(() => db.close());
  const account = async (name: string): Promise<ConsoleAccount> => (await findAccount(ctx, name))!;
  const login = (name: string, password: string, code?: string) =>
    consoleLogin(ctx, { name, password, code, clientIp: "10.1.1.1" });

  it("file accounts are imported as owners managed by the file; removed from the file they are gone", async () => {
    const root = await account("root");
    expect(root).toMatchObject({ role: "owner", source: "file", merchants: "*", totpEnabled: false });
    expect((await ctx.repos.consoleUsers.listConsoleUsers()).map((u) => [u.name, u.source])).toEqual([
      ["root", "file"],
      ["scoped", "file"],
    ]);
    const without = { ...ctx, config: consoleTestConfig([]) };
    expect(await findAccount(without, "root")).toBeNull();
    expect((await consoleLogin(without, { name: "root", password: CONSOLE_PASSWORD, clientIp: "10.0.0.9" })).ok).toBe(
      false,
    );
    expect((await login("root", CONSOLE_PASSWORD)).ok).toBe(true);
  });

  it("an owner creates an operator whose generated first password signs in; the name is then taken", async () => {
    const root = await account("root");
    const r = await createAccount(ctx, root, { name: "op1", role: "operator", merchants: ["k1"] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect((await ctx.repos.consoleUsers.findConsoleUser("op1"))!.password_hash).not.toContain(r.password);
    expect((await login("op1", r.password)).ok).toBe(true);
    expect(await createAccount(ctx, root, { name: "OP1", role: "viewer", merchants: "*" })).toEqual({
      ok: false,
      error: "name_taken",
    });
    expect(await createAccount(ctx, root, { name: "root", role: "viewer", merchants: "*" })).toMatchObject({
      ok: false,
    });
    expect(await createAccount(ctx, root, { name: "bad name", role: "viewer", merchants: "*" })).toMatchObject({
      error: "name_invalid",
    });
    expect(await createAccount(ctx, root, { name: "x", role: "admin", merchants: "*" })).toMatchObject({
      error: "role_invalid",
    });
    expect(await createAccount(ctx, root, { name: "x", role: "viewer", merchants: null })).toMatchObject({
      error: "merchants_invalid",
    });
  });

  it("operators and viewers manage no one; a scoped owner only within their merchants", async () => {
    const op1 = await account("op1");
    expect(await createAccount(ctx, op1, { name: "v1", role: "viewer", merchants: ["k1"] })).toEqual({
      ok: false,
      error: "forbidden",
    });
    expect(await deleteAccount(ctx, op1, "op1")).toMatchObject({ ok: false });
    const scoped = await account("scoped");
    expect(await createAccount(ctx, scoped, { name: "v2", role: "viewer", merchants: ["k2"] })).toMatchObject({
      error: "forbidden",
    });
    expect(await createAccount(ctx, scoped, { name: "v3", role: "viewer", merchants: "*" })).toMatchObject({
      error: "forbidden",
    });
    expect((await createAccount(ctx, scoped, { name: "v1", role: "viewer", merchants: ["k1"] })).ok).toBe(true);
    // A file account cannot be edited from the console, even by the owner of everything.
    expect(
      await updateAccount(ctx, await account("root"), {
        name: "scoped",
        version: (await account("scoped")).version,
        role: "viewer",
        merchants: ["k1"],
        disabled: false,
      }),
    ).toMatchObject({ error: "file_managed" });
  });

  it("updates are version-checked; a disabled account cannot sign in and its sessions end", async () => {
    const root = await account("root");
    const r = await login("v1", "whatever-wrong");
    expect(r.ok).toBe(false);
    const v1 = await account("v1");
    const stale = v1.version;
    expect(
      await updateAccount(ctx, root, {
        name: "v1",
        version: stale,
        role: "viewer",
        merchants: ["k1", "k2"],
        disabled: false,
      }),
    ).toEqual({ ok: true });
    expect(
      await updateAccount(ctx, root, { name: "v1", version: stale, role: "owner", merchants: "*", disabled: false }),
    ).toEqual({ ok: false, error: "version_conflict" });
    expect(await account("v1")).toMatchObject({ role: "viewer", merchants: ["k1", "k2"] });

    const op1 = await account("op1");
    const pw = await ctx.repos.consoleUsers.findConsoleUser("op1");
    const { password } = (await resetPassword(op1.name))!;
    expect(pw!.password_hash).not.toBe((await ctx.repos.consoleUsers.findConsoleUser("op1"))!.password_hash);
    const ok = await login("op1", password);
    expect(ok.ok).toBe(true);
    const sealed = ok.ok ? ok.sealed : "";
    expect(await readConsoleSession(ctx, sealed)).not.toBeNull();
    const now = await account("op1");
    expect(
      await updateAccount(ctx, root, {
        name: "op1",
        version: now.version,
        role: "operator",
        merchants: ["k1"],
        disabled: true,
      }),
    ).toEqual({ ok: true });
    expect(await readConsoleSession(ctx, sealed)).toBeNull();
    expect((await login("op1", password)).ok).toBe(false);
  });

  async function resetPassword(name: string) {
    const r = await resetAccountPassword(ctx, await account("root"), name);
    return r.ok ? r : null;
  }

  it("an owner cannot demote, disable or delete themself; a scoped owner cannot touch an owner of everything", async () => {
    // Make a console owner, the only owner of everything besides the file's root.
    const root = await account("root");
    const r = await createAccount(ctx, root, { name: "boss", role: "owner", merchants: "*" });
    expect(r.ok).toBe(true);
    const boss = await account("boss");
    expect(await deleteAccount(ctx, boss, "boss")).toEqual({ ok: false, error: "self" });
    expect(
      await updateAccount(ctx, boss, {
        name: "boss",
        version: boss.version,
        role: "viewer",
        merchants: "*",
        disabled: false,
      }),
    ).toEqual({ ok: false, error: "self" });
    // Without the file's root, boss is the only owner of everything; a scoped owner may not remove them.
    const fileless = { ...ctx, config: consoleTestConfig([]) };
    const ownerToo = await createAccount(fileless, boss, { name: "boss2", role: "owner", merchants: ["k1"] });
    expect(ownerToo.ok).toBe(true);
    const boss2 = (await findAccount(fileless, "boss2"))!;
    expect(await deleteAccount(fileless, boss2, "boss")).toEqual({ ok: false, error: "forbidden" });
    expect(await deleteAccount(fileless, boss, "boss2")).toEqual({ ok: true });
  });

  it("password change: the current one is checked, every session ends; file accounts change in the file", async () => {
    const root = await account("root");
    const made = await createAccount(ctx, root, { name: "pat", role: "viewer", merchants: ["k1"] });
    if (!made.ok) throw new Error("create failed");
    const first = await login("pat", made.password);
    const pat = await account("pat");
    expect(
      await changeOwnPassword(ctx, pat, { current: "nope", next: "a-new-password", repeat: "a-new-password" }),
    ).toEqual({
      ok: false,
      error: "password_wrong",
    });
    expect(await changeOwnPassword(ctx, pat, { current: made.password, next: "short", repeat: "short" })).toMatchObject(
      {
        error: "password_short",
      },
    );
    expect(
      await changeOwnPassword(ctx, pat, { current: made.password, next: "a-new-password", repeat: "another-one!" }),
    ).toMatchObject({ error: "password_mismatch" });
    expect(
      await changeOwnPassword(ctx, pat, { current: made.password, next: "a-new-password", repeat: "a-new-password" }),
    ).toEqual({ ok: true });
    expect(await readConsoleSession(ctx, first.ok ? first.sealed : "")).toBeNull();
    expect((await login("pat", "a-new-password")).ok).toBe(true);
    expect(
      await changeOwnPassword(ctx, root, {
        current: CONSOLE_PASSWORD,
        next: "a-new-password",
        repeat: "a-new-password",
      }),
    ).toEqual({ ok: false, error: "file_managed" });
  });

  it("TOTP: enrol with a code, then a login needs a fresh code (once) or a recovery code (once)", async () => {
    const root = await account("root");
    const made = await createAccount(ctx, root, { name: "tina", role: "operator", merchants: "*" });
    if (!made.ok) throw new Error("create failed");
    const begun = await beginTotp(ctx, await account("tina"));
    if (!begun.ok) throw new Error("begin failed");
    expect(begun.uri).toMatch(/^otpauth:\/\/totp\/Paydesk:tina\?/);
    const me = (await login("tina", made.password)) as { ok: true; sealed: string };
    const session = (await readConsoleSession(ctx, me.sealed))!;
    expect(await confirmTotp(ctx, await account("tina"), "000000", session.idHash)).toMatchObject({ error: "code" });
    const confirmed = await confirmTotp(
      ctx,
      await account("tina"),
      await totpCode(begun.secret, ctx.now()),
      session.idHash,
    );
    if (!confirmed.ok) throw new Error("confirm failed");
    expect(confirmed.codes).toHaveLength(10);
    expect(await account("tina")).toMatchObject({ totpEnabled: true });
    // Enrolling kept this session.
    expect(await readConsoleSession(ctx, me.sealed)).not.toBeNull();

    expect(await login("tina", made.password)).toEqual({ ok: false, reason: "code_required" });
    expect(await login("tina", "wrong password", "123456")).toEqual({ ok: false, reason: "invalid" });
    // The code used to confirm is spent: the next good one is in the next 30-second step.
    expect(await login("tina", made.password, await totpCode(begun.secret, ctx.now()))).toEqual({
      ok: false,
      reason: "invalid",
    });
    ctx.clock.advance(30_000);
    const code = await totpCode(begun.secret, ctx.now());
    expect((await login("tina", made.password, code)).ok).toBe(true);
    expect((await login("tina", made.password, code)).ok).toBe(false);
    const recovery = confirmed.codes[0]!;
    expect((await login("tina", made.password, recovery)).ok).toBe(true);
    expect((await login("tina", made.password, recovery)).ok).toBe(false);
    expect((await account("tina")).record.recoveryCodes).toHaveLength(9);

    // Turning it off needs the password; an owner can reset it for a lost phone.
    expect(await disableTotp(ctx, await account("tina"), "wrong")).toMatchObject({ error: "password_wrong" });
    expect(await resetAccountTotp(ctx, await account("op1"), "tina")).toMatchObject({ ok: false });
    expect(await resetAccountTotp(ctx, root, "tina")).toEqual({ ok: true });
    expect(await account("tina")).toMatchObject({ totpEnabled: false });
    ctx.clock.advance(60_000);
    expect((await login("tina", made.password)).ok).toBe(true);
  });

  it("an owner's 'require TOTP' sends an account without it to enrol first", async () => {
    const settings = await ctx.repos.consoleUsers.consoleAccountSettings();
    await ctx.repos.consoleUsers.saveConsoleAccountSettings(
      { idleTimeoutMin: 30, requireTotp: true },
      settings.version,
      1,
    );
    const r = await login("root", CONSOLE_PASSWORD);
    const s = await readConsoleSession(ctx, r.ok ? r.sealed : "");
    expect(s).toMatchObject({ mustEnrolTotp: true });
    expect(await disableTotp(ctx, await account("root"), CONSOLE_PASSWORD)).toMatchObject({ error: "totp_required" });
    const now = await ctx.repos.consoleUsers.consoleAccountSettings();
    await ctx.repos.consoleUsers.saveConsoleAccountSettings({ idleTimeoutMin: 30, requireTotp: false }, now.version, 2);
  });
});

describeOnDatabases("first-run setup", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    ctx = testContext(db, consoleTestConfig([]));
  });
  afterAll(() => db.close());
  const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;
  const input = (token: string, name = "first") => ({
    token,
    name,
    password: "a long password",
    repeat: "a long password",
  });

  it("a link is offered only with no account, the newest replaces older ones, and it expires in 30 minutes", async () => {
    const old = tokenOf((await createSetupLink(ctx))!);
    const link = (await createSetupLink(ctx))!;
    expect(link).toMatch(/\/console\/setup\?token=[A-Za-z0-9_-]{43}$/);
    expect(await setupTokenValid(ctx, old)).toBe(false);
    expect(await setupTokenValid(ctx, tokenOf(link))).toBe(true);
    const later = { ...ctx, now: () => ctx.now() + SETUP_TOKEN_TTL_MS };
    expect(await setupTokenValid(later, tokenOf(link))).toBe(false);
    expect(await completeSetup(later, input(tokenOf(link)))).toEqual({ ok: false, error: "token" });
    // The token is stored only as a hash.
    const rows = await db.db.selectFrom("console_setup_tokens").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(tokenOf(link));
  });

  it("creates the first owner once, however many submit the link at the same time", async () => {
    const token = tokenOf((await createSetupLink(ctx))!);
    expect(await completeSetup(ctx, { ...input(token), repeat: "something else" })).toMatchObject({
      error: "password_mismatch",
    });
    const results = await Promise.all(["a", "b", "c", "d"].map((n) => completeSetup(ctx, input(token, `owner-${n}`))));
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    expect(await ctx.repos.consoleUsers.countConsoleUsers()).toBe(1);
    const owner = (await ctx.repos.consoleUsers.listConsoleUsers())[0]!;
    expect(owner).toMatchObject({ role: "owner", merchants: "*", source: "console" });
    expect(await completeSetup(ctx, input(token, "again"))).toEqual({ ok: false, error: "token" });
    expect(await createSetupLink(ctx)).toBeNull();
    expect(await setupTokenValid(ctx, token)).toBe(false);
    expect((await consoleLogin(ctx, { name: owner.name, password: "a long password", clientIp: "1.2.3.4" })).ok).toBe(
      true,
    );
  });
});
