import { describe, expect, it } from "vitest";
import { consolePasswordHash as hash, consoleTestConfig as config } from "@/test/support/console-config";
import { csrfMatches, readConsoleSession, sealConsoleSession, SESSION_TTL_MS } from "./console-session";
import { hashPassword } from "./password";

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
    expect(
      await readConsoleSession(
        config([{ name: "ops", password_hash: await hashPassword("a new password"), merchants: ["k1"] }]),
        sealed,
        T0,
      ),
    ).toBeNull();
    expect(
      await readConsoleSession(config([{ name: "other", password_hash: hash, merchants: "*" }]), sealed, T0),
    ).toBeNull();
    expect(await readConsoleSession({ ...c, sessionSecret: "y".repeat(32) }, sealed, T0)).toBeNull();
    expect(await readConsoleSession(c, `${sealed.slice(0, -4)}AAAA`, T0)).toBeNull();
    expect(await readConsoleSession(c, undefined, T0)).toBeNull();
  });
});
