import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config/load";
import { alipayTestKeys as AK, wechatTestKeys as WK } from "@/test/support/emulators";

/** The official channels' key checks stop the process at start, naming the channel and the field, never the key. */
describe("official channel settings refused at load", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "paydesk-official-"));
  function load(channel: Record<string, unknown>): string {
    const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        merchants: [{ appkey: "k1", appsecret: "s1-secret-0123456789abcdef0123456", name: "One", channels: ["pay1"] }],
        channels: [{ id: "pay1", ...channel }],
      }),
    );
    try {
      loadConfig({ PAYDESK_CONFIG: file, PAYDESK_DATABASE_URL: `file:${dir}/p.db` });
      return "";
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
  }
  const ali = {
    provider: "alipay-f2f",
    app_id: "2021000000000001",
    app_private_key: AK.ALIPAY_TEST_APP_PRIVATE_KEY,
    app_cert: AK.ALIPAY_TEST_APP_CERT,
    alipay_public_cert: AK.ALIPAY_TEST_PLATFORM_CERT,
    alipay_root_cert: AK.ALIPAY_TEST_ROOT_CERT,
  };
  const wx = {
    provider: "wechat-v3",
    mchid: WK.WECHAT_TEST_MCHID,
    appid: "wx1234567890abcdef",
    merchant_private_key: WK.WECHAT_TEST_MERCHANT_PRIVATE_KEY,
    merchant_cert: WK.WECHAT_TEST_MERCHANT_CERT,
    apiv3_key: "0123456789abcdefghijABCDEFGHIJ01",
    wechatpay_public_key: WK.WECHAT_TEST_PUBKEY,
    wechatpay_public_key_id: WK.WECHAT_TEST_PUBKEY_ID,
  };

  it("loads good settings", () => {
    expect(load(ali)).toBe("");
    expect(load(wx)).toBe("");
  });

  it.each([
    [{ ...ali, app_private_key: "MIIB" + "A".repeat(100) }, "channels.0.app_private_key", "does not parse"],
    [{ ...ali, alipay_public_cert: AK.ALIPAY_TEST_APP_CERT }, "channels.0.alipay_public_cert", "app certificate"],
    [{ ...ali, app_id: "2021000000000002" }, "channels.0.app_cert", "not app_id 2021000000000002"],
    [{ ...wx, merchant_serial_no: "ABCDEF12" }, "channels.0.merchant_serial_no", "the certificate's serial is"],
    [{ ...wx, merchant_cert: WK.WECHAT_TEST_OTHER_MERCHANT_CERT }, "channels.0.merchant_cert", "issued to mchid"],
    [{ ...wx, apiv3_key: "0123456789abcdef" }, "channels.0.apiv3_key", "exactly 32"],
    [
      { ...wx, wechatpay_public_key: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" },
      "channels.0.wechatpay_public_key",
      "does not parse",
    ],
  ])("refuses %#: names the channel and the field", (channel, field, reason) => {
    const message = load(channel);
    expect(message).toContain(`${field}: channel "pay1": `);
    expect(message).toContain(reason);
    expect(message).not.toContain(AK.ALIPAY_TEST_APP_PRIVATE_KEY.split("\n")[3]!);
    expect(message).not.toContain(WK.WECHAT_TEST_MERCHANT_PRIVATE_KEY.split("\n")[3]!);
  });
});
