import { describe, expect, it } from "vitest";
import {
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  spendRecoveryCode,
  totpCode,
  totpUri,
  verifyTotp,
} from "./totp";

describe("TOTP and recovery codes", () => {
  const secret = newTotpSecret();
  const t = 1_765_000_000_000;

  it("accepts the code of this step and one step either side, and only newer than the last one used", async () => {
    const now = await totpCode(secret, t);
    expect(now).toMatch(/^\d{6}$/);
    const step = await verifyTotp(secret, now, t, null);
    expect(step).toBe(Math.floor(t / 30_000));
    expect(await verifyTotp(secret, now, t + 30_000, null)).toBe(step);
    expect(await verifyTotp(secret, now, t + 90_000, null)).toBeNull();
    // Replay: the same step again is refused; the next step's code is fine.
    expect(await verifyTotp(secret, now, t, step)).toBeNull();
    expect(await verifyTotp(secret, await totpCode(secret, t + 30_000), t + 30_000, step)).toBe(step! + 1);
  });

  it("refuses malformed codes without throwing", async () => {
    for (const bad of ["", "12345", "1234567", "abcdef", "12 34 5x", "١٢٣٤٥٦"])
      expect(await verifyTotp(secret, bad, t, null)).toBeNull();
    expect(await verifyTotp("not base32!", "123456", t, null)).toBeNull();
  });

  it("recovery codes: ten, distinct, stored as hashes, each spent once, typed loosely", () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    expect(codes.every((c) => /^[a-z1-9]{5}-[a-z1-9]{5}$/.test(c) && looksLikeRecoveryCode(c))).toBe(true);
    expect(hashes.some((h) => codes.includes(h))).toBe(false);
    const left = spendRecoveryCode(hashes, ` ${codes[3]!.toUpperCase().replace("-", "")} `);
    expect(left).toHaveLength(9);
    expect(spendRecoveryCode(left!, codes[3]!)).toBeNull();
    expect(spendRecoveryCode(hashes, "zzzzz-zzzzz")).toBeNull();
    expect(looksLikeRecoveryCode("123456")).toBe(false);
  });

  it("gives authenticator apps an otpauth link naming Paydesk and the account", () => {
    const uri = totpUri("Paydesk", "ops", secret);
    expect(uri).toMatch(/^otpauth:\/\/totp\/Paydesk:ops\?/);
    expect(uri).toContain(`secret=${secret}`);
  });
});
