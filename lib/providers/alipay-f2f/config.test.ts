import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { alipayTestKeys as K } from "@/test/support/emulators";
import { alipayF2fChannelSchema } from "./config";

const bare = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
const base = {
  id: "ali",
  provider: "alipay-f2f",
  app_id: "2021000000000001",
  app_private_key: K.ALIPAY_TEST_APP_PRIVATE_KEY,
};
const certs = {
  app_cert: K.ALIPAY_TEST_APP_CERT,
  alipay_public_cert: K.ALIPAY_TEST_PLATFORM_CERT,
  alipay_root_cert: K.ALIPAY_TEST_ROOT_CERT,
};

function issues(input: Record<string, unknown>): string[] {
  const r = alipayF2fChannelSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("alipay-f2f channel config", () => {
  it("takes PEM, the key tool's one-line base64, or file paths, in either key mode", () => {
    expect(issues({ ...base, alipay_public_key: K.ALIPAY_TEST_PLATFORM_PUBLIC_KEY })).toEqual([]);
    expect(
      issues({
        ...base,
        app_private_key: bare(K.ALIPAY_TEST_APP_PRIVATE_KEY),
        alipay_public_key: bare(K.ALIPAY_TEST_PLATFORM_PUBLIC_KEY),
      }),
    ).toEqual([]);
    const dir = mkdtempSync(path.join(tmpdir(), "paydesk-ali-"));
    const files = Object.fromEntries(
      Object.entries({ app_private_key: K.ALIPAY_TEST_APP_PRIVATE_KEY, ...certs }).map(([k, v]) => {
        const file = path.join(dir, `${k}.pem`);
        writeFileSync(file, v);
        return [k, file];
      }),
    );
    expect(issues({ ...base, ...files })).toEqual([]);
    // The open platform's file name carries the APPID; a path to it is checked against app_id like the CN.
    const named = path.join(dir, `appCertPublicKey_${base.app_id}.crt`);
    writeFileSync(named, K.ALIPAY_TEST_APP_CERT);
    expect(issues({ ...base, ...certs, app_cert: named })).toEqual([]);
    const parsed = alipayF2fChannelSchema.parse({ ...base, ...certs });
    expect(parsed.types).toEqual(["alipay"]);
    expect(parsed.gateway).toBe("https://openapi.alipay.com/gateway.do");
  });

  it("refuses, with the reason and without quoting the key, what would fail at the first order", () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { ...base, app_private_key: "MIIB" + "A".repeat(100), alipay_public_key: K.ALIPAY_TEST_PLATFORM_PUBLIC_KEY },
        "app_private_key: does not parse",
      ],
      [
        { ...base, app_private_key: "/nonexistent/app.key", alipay_public_key: K.ALIPAY_TEST_PLATFORM_PUBLIC_KEY },
        "ENOENT",
      ],
      [{ ...base, alipay_public_key: K.ALIPAY_TEST_APP_PUBLIC_KEY }, "this is the app public key"],
      [{ ...base, alipay_public_key: K.ALIPAY_TEST_APP_PRIVATE_KEY }, "this is a private key"],
      [
        { ...base, ...certs, app_cert: K.ALIPAY_TEST_OTHER_APP_CERT },
        "app_cert: this certificate is not of app_private_key",
      ],
      [
        { ...base, ...certs, alipay_root_cert: K.ALIPAY_TEST_APP_CERT },
        "not issued by a certificate in alipay_root_cert",
      ],
      [
        { ...base, ...certs, app_id: "2021000000000009" },
        "app_cert: issued for app 2021000000000001, not app_id 2021000000000009",
      ],
      [
        { ...base, ...certs, alipay_public_cert: K.ALIPAY_TEST_APP_CERT },
        "alipay_public_cert: this is the app certificate",
      ],
      [
        { ...base, ...certs, alipay_public_cert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" },
        "alipay_public_cert: a certificate does not parse",
      ],
      [{ ...base, alipay_public_key: "MIIB" + "B".repeat(100) }, "alipay_public_key: does not parse"],
      [{ ...base, ...certs, alipay_public_key: K.ALIPAY_TEST_PLATFORM_PUBLIC_KEY }, "choose one key mode"],
      [{ ...base, app_cert: K.ALIPAY_TEST_APP_CERT }, "set alipay_public_key"],
      [{ ...base, alipay_public_key: K.ALIPAY_TEST_PLATFORM_PUBLIC_KEY, app_id: "12345" }, "16-digit APPID"],
      [{ ...base, alipay_public_key: K.ALIPAY_TEST_PLATFORM_PUBLIC_KEY, types: ["wxpay"] }, "serves only alipay"],
    ];
    for (const [input, reason] of cases) {
      const found = issues(input);
      expect(found.join("\n"), reason).toContain(reason);
      expect(found.join("\n")).not.toContain(bare(K.ALIPAY_TEST_APP_PRIVATE_KEY).slice(10, 40));
    }
  });
});
