import { configFileSchema, type ConfigFile } from "@/lib/config/schema";

/** The crash suite's merchant and its sandbox channel (shared by the harness and the child instances). */
export const CRASH_MERCHANT = { appkey: "crash", appsecret: "crash-secret-long-enough-for-a-real-config" } as const;
export const CRASH_SANDBOX_KEY = "crash-sandbox-key";

export function crashConfigFile(notifyUrl: string): ConfigFile {
  return configFileSchema.parse({
    merchants: [
      {
        ...CRASH_MERCHANT,
        name: "Crash Shop",
        notify_url: notifyUrl,
        return_url: "https://shop.example/return",
        order_ttl_seconds: 3600,
        channels: ["sandbox"],
      },
    ],
    channels: [{ id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay", "qqpay"], key: CRASH_SANDBOX_KEY }],
    limits: { payer_per_ip_per_minute: 1_000_000, rejected_notifies_per_ip_per_minute: 1_000_000 },
  });
}
