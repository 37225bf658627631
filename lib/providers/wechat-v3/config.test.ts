import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { wechatTestKeys as K } from "@/test/support/emulators";
import { wechatV3ChannelSchema } from "./config";
import { loadWechatKeys } from "./keys";

const base = {
  id: "wx",
  provider: "wechat-v3",
  mchid: K.WECHAT_TEST_MCHID,
  appid: "wx1234567890abcdef",
  merchant_private_key: K.WECHAT_TEST_MERCHANT_PRIVATE_KEY,
  apiv3_key: "0123456789abcdefghijABCDEFGHIJ01",
};
const pubkey = { wechatpay_public_key: K.WECHAT_TEST_PUBKEY, wechatpay_public_key_id: K.WECHAT_TEST_PUBKEY_ID };

function issues(input: Record<string, unknown>): string[] {
  const r = wechatV3ChannelSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("wechat-v3 channel config", () => {
  it("takes PEM text or file paths, public-key mode, platform certificates, or both", () => {
    expect(issues({ ...base, merchant_serial_no: K.WECHAT_TEST_MERCHANT_SERIAL, ...pubkey })).toEqual([]);
    const dir = mkdtempSync(path.join(tmpdir(), "paydesk-wx-"));
    const file = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const both = {
      ...base,
      merchant_private_key: file("apiclient_key.pem", K.WECHAT_TEST_MERCHANT_PRIVATE_KEY),
      merchant_cert: file("apiclient_cert.pem", K.WECHAT_TEST_MERCHANT_CERT),
      wechatpay_public_key: file("pub_key.pem", K.WECHAT_TEST_PUBKEY),
      wechatpay_public_key_id: K.WECHAT_TEST_PUBKEY_ID,
      platform_certs: [K.WECHAT_TEST_PLATFORM_CERT],
    };
    expect(issues(both)).toEqual([]);
    const keys = loadWechatKeys(wechatV3ChannelSchema.parse(both));
    // The serial comes from the certificate; answers may be signed under either key; the public key is preferred.
    expect(keys.merchantSerial).toBe(K.WECHAT_TEST_MERCHANT_SERIAL);
    expect([...keys.verifiers.keys()].sort()).toEqual([K.WECHAT_TEST_PLATFORM_SERIAL, K.WECHAT_TEST_PUBKEY_ID].sort());
    expect(keys.preferredSerial).toBe(K.WECHAT_TEST_PUBKEY_ID);
  });

  it("refuses, with the reason, what would fail at the first order", () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        {
          ...base,
          merchant_private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
          merchant_serial_no: "ABCDEF12",
          ...pubkey,
        },
        "merchant_private_key: does not parse",
      ],
      [
        { ...base, merchant_cert: K.WECHAT_TEST_OTHER_MERCHANT_CERT, ...pubkey },
        "issued to mchid 1900000002, not 1900000001",
      ],
      [
        { ...base, mchid: "1900000002", merchant_cert: K.WECHAT_TEST_OTHER_MERCHANT_CERT, ...pubkey },
        "not the certificate of merchant_private_key",
      ],
      [
        { ...base, merchant_cert: K.WECHAT_TEST_MERCHANT_CERT, merchant_serial_no: "ABCDEF12", ...pubkey },
        "the certificate's serial is",
      ],
      [{ ...base, ...pubkey }, "merchant_serial_no: set it"],
      [{ ...base, merchant_serial_no: "ABCDEF12", ...pubkey, apiv3_key: "short" }, "exactly 32 characters"],
      [{ ...base, merchant_serial_no: "ABCDEF12" }, "set wechatpay_public_key"],
      [
        { ...base, merchant_serial_no: "ABCDEF12", wechatpay_public_key: K.WECHAT_TEST_PUBKEY },
        "wechatpay_public_key_id",
      ],
      [
        {
          ...base,
          merchant_serial_no: "ABCDEF12",
          ...pubkey,
          wechatpay_public_key: K.WECHAT_TEST_MERCHANT_PRIVATE_KEY,
        },
        "this is a private key",
      ],
      [{ ...base, merchant_serial_no: "ABCDEF12", platform_certs: ["/nonexistent/wechatpay.pem"] }, "ENOENT"],
      [
        {
          ...base,
          merchant_serial_no: "ABCDEF12",
          platform_certs: ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"],
        },
        "platform_certs.0: does not parse as an X.509 certificate",
      ],
      [
        {
          ...base,
          merchant_serial_no: "ABCDEF12",
          ...pubkey,
          wechatpay_public_key: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        },
        "wechatpay_public_key: does not parse as a public key",
      ],
      [
        { ...base, merchant_cert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", ...pubkey },
        "merchant_cert: does not parse",
      ],
      [
        { ...base, merchant_serial_no: "ABCDEF12", ...pubkey, apiv3_key: "0123456789abcdefghijABCDEFGHIJ0蛇" },
        "exactly 32",
      ],
      [{ ...base, merchant_serial_no: "ABCDEF12", ...pubkey, appid: "1234" }, "AppID"],
    ];
    for (const [input, reason] of cases) {
      const found = issues(input).join("\n");
      expect(found, reason).toContain(reason);
      expect(found).not.toContain(K.WECHAT_TEST_MERCHANT_PRIVATE_KEY.split("\n")[2]!);
    }
  });
});
