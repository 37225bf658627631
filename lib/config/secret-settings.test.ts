import { describe, expect, it } from "vitest";
import { isSecretSetting, SECRET_SETTING_NAMES } from "./secret-settings";

describe("secret settings", () => {
  it("every name the logger redacts is a secret by the one rule", () => {
    for (const name of SECRET_SETTING_NAMES) expect(isSecretSetting(name)).toBe(true);
  });

  it("keys, passwords and tokens are secrets; public keys, ids and URLs are not", () => {
    for (const name of ["key", "pass", "bot_token", "secret", "access_token"]) expect(isSecretSetting(name)).toBe(true);
    for (const name of ["alipay_public_key", "wechatpay_public_key", "app_id", "notify_url", "mchid"])
      expect(isSecretSetting(name)).toBe(false);
  });
});
