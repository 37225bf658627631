import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { loggerOptions } from "@/lib/context";
import type { ChannelConfig } from "@/lib/providers/registry";
import { alipayTestKeys as AK, wechatTestKeys as WK } from "@/test/support/emulators";
import { channelSettingsShown, maskChannelSecrets } from "./channel-health";

const APIV3_KEY = "0123456789abcdefghijABCDEFGHIJ01";
const ali: ChannelConfig = {
  id: "ali",
  provider: "alipay-f2f",
  types: ["alipay"],
  gateway: "https://openapi.alipay.com/gateway.do",
  app_id: "2021000000000001",
  app_private_key: AK.ALIPAY_TEST_APP_PRIVATE_KEY,
  alipay_public_key: AK.ALIPAY_TEST_PLATFORM_PUBLIC_KEY,
};
const wx: ChannelConfig = {
  id: "wx",
  provider: "wechat-v3",
  types: ["wxpay"],
  base_url: "https://api.mch.weixin.qq.com",
  mchid: WK.WECHAT_TEST_MCHID,
  appid: "wx1234567890abcdef",
  merchant_private_key: "/etc/paydesk/wechat/apiclient_key.pem",
  merchant_serial_no: WK.WECHAT_TEST_MERCHANT_SERIAL,
  apiv3_key: APIV3_KEY,
  wechatpay_public_key: WK.WECHAT_TEST_PUBKEY,
  wechatpay_public_key_id: WK.WECHAT_TEST_PUBKEY_ID,
  platform_certs: [WK.WECHAT_TEST_PLATFORM_CERT],
};
/** Lines from the middle of each private key: none may appear anywhere shown. */
const secrets = [
  AK.ALIPAY_TEST_APP_PRIVATE_KEY.split("\n")[5]!,
  WK.WECHAT_TEST_MERCHANT_PRIVATE_KEY.split("\n")[5]!,
  APIV3_KEY,
  "apiclient_key.pem",
];
const leaks = (text: string) => secrets.filter((s) => text.includes(s));

describe("a channel's credentials are never shown back", () => {
  it("the channels page shows the settings with private keys and the APIv3 key masked", () => {
    const shownAli = Object.fromEntries(channelSettingsShown(ali));
    const shownWx = Object.fromEntries(channelSettingsShown(wx));
    expect(leaks(JSON.stringify([shownAli, shownWx]))).toEqual([]);
    expect(shownAli.app_private_key).toMatch(/^---••••••（\d+）$/);
    expect(shownWx.apiv3_key).toBe("012••••••（32）");
    expect(shownWx.merchant_private_key).toContain("••••••");
    // What is not a credential stays readable; PEM blocks by kind and length.
    expect(shownAli.app_id).toBe("2021000000000001");
    expect(shownWx.mchid).toBe(WK.WECHAT_TEST_MCHID);
    expect(shownWx.wechatpay_public_key).toMatch(/^PUBLIC KEY（\d+）$/);
    expect(shownWx.platform_certs).toMatch(/^CERTIFICATE（\d+）$/);
    expect(Object.keys(shownAli)).not.toContain("id");
  });

  it("an upstream error that echoes a credential is masked before the console shows it", () => {
    const text = `PARAM_ERROR: bad key ${APIV3_KEY} in request`;
    expect(maskChannelSecrets(wx, text)).toBe("PARAM_ERROR: bad key 012••••••（32） in request");
    expect(maskChannelSecrets(ali, "isv.invalid-signature")).toBe("isv.invalid-signature");
  });

  it("the log redacts them wherever a logged object carries a channel or the settings", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino(loggerOptions("info"), sink);
    log.info({ channel: wx }, "channel");
    log.info({ config: { channels: [ali, wx], merchants: [{ appkey: "k1", appsecret: "s1-very-secret" }] } }, "cfg");
    log.info(ali, "flat");
    log.info({ channel: { id: "sandbox", key: "sandbox-key-123" }, key: "order-42" }, "key");
    await new Promise((r) => setImmediate(r));
    const all = lines.join("");
    expect(lines).toHaveLength(4);
    expect(leaks(all)).toEqual([]);
    expect(all).not.toContain("s1-very-secret");
    expect(all).not.toContain("sandbox-key-123");
    expect(all).toContain("[redacted]");
    // Non-secret fields and an ordinary `key` are still logged.
    expect(all).toContain(`"mchid":"${WK.WECHAT_TEST_MCHID}"`);
    expect(all).toContain(`"key":"order-42"`);
  });
});
