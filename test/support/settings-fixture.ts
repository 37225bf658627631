import { configFileSchema, type ConfigFile } from "@/lib/config/schema";

/** A stored settings document that passes the file's rules outside demo mode (long secret, explicit sandbox key). */
export const FIXTURE_SECRET = "s".repeat(40);

export function settingsFixture(overrides: Partial<ConfigFile> = {}): ConfigFile {
  return configFileSchema.parse({
    merchants: [
      {
        appkey: "k1",
        appsecret: FIXTURE_SECRET,
        name: "Test Shop",
        notify_url: "https://shop.example/notify",
        channels: ["sandbox"],
        epay: { pid: "1000", key: "e".repeat(32) },
      },
    ],
    channels: [{ id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay"], key: "sandbox-key-for-tests" }],
    ...overrides,
  });
}
