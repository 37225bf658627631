import { createSign, createVerify, generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PLATFORM_KEY_FILE, platformKey, platformPublicKeyText } from "./epay-v2-platform-key";

describe("the V2 platform key (docs/protocols/epay-v2.md#platform-key)", () => {
  it("is generated once beside the database, kept across loads, and private to the owner", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paydesk-v2key-"));
    const url = `file:${path.join(dir, "paydesk.db")}`;
    const first = platformKey({}, url);
    const file = path.join(dir, PLATFORM_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // A second load for the same folder gives the same key.
    const again = platformKey({ PAYDESK_DATABASE_URL: url }, `file:${path.join(dir, "./other.db")}`);
    expect(platformPublicKeyText(again).base64).toBe(platformPublicKeyText(first).base64);
    const sign = createSign("RSA-SHA256").update("a=1").sign(first.privateKey, "base64");
    const pem = platformPublicKeyText(first).pem;
    expect(createVerify("RSA-SHA256").update("a=1").verify(pem, sign, "base64")).toBe(true);
  });

  it("PAYDESK_EPAY_V2_PRIVATE_KEY overrides the file (PEM or bare base64), and must be RSA", () => {
    const k = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const der = k.privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
    const fromEnv = platformKey({ PAYDESK_EPAY_V2_PRIVATE_KEY: der }, "file:/nonexistent/x.db");
    expect(platformPublicKeyText(fromEnv).base64).toBe(
      k.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    );
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" });
    expect(() => platformKey({ PAYDESK_EPAY_V2_PRIVATE_KEY: ec.toString() })).toThrow(/RSA/);
  });
});
