import type { AppConfig } from "@/lib/config/load";
import { configFileSchema } from "@/lib/config/schema";
import { hashPassword } from "@/lib/console/password";
import { testAppConfig } from "./test-context";

/** The console users' password in the console suites, and its hash (scrypt once per test file). */
export const CONSOLE_PASSWORD = "correct horse battery";
export const consolePasswordHash = await hashPassword(CONSOLE_PASSWORD);

/** A console user as written in the config file. */
export interface ConsoleUserEntry {
  name: string;
  password_hash: string;
  merchants: "*" | string[];
}

/**
 * Two merchants (k1 with channels a + shared, k2 with b + shared), an unused channel, and the given console users
 * (by default `ops`, scoped to k1).
 */
export function consoleTestConfig(
  users: ConsoleUserEntry[] = [{ name: "ops", password_hash: consolePasswordHash, merchants: ["k1"] }],
): AppConfig {
  const file = configFileSchema.parse({
    merchants: [
      { appkey: "k1", appsecret: "s1secret", name: "One", channels: ["a", "shared"] },
      { appkey: "k2", appsecret: "s2secret", name: "Two", channels: ["b", "shared"] },
    ],
    channels: ["a", "b", "shared", "unused"].map((id) => ({ id, provider: "sandbox", types: ["alipay"] })),
    console: { users },
  });
  return testAppConfig(file);
}

/**
 * The console action suites' two shops: k1 (`k1Name`, notifying `notifyUrl`, channel `sandbox`) and k2 (whose
 * notify URL nothing answers, channel `sandbox-2`), seen by `ops` (all shops) and `k2-only`, both with a dummy hash.
 */
export function twoShopConsoleConfig(options: { notifyUrl: string; k1Name: string }): AppConfig {
  const hash = `scrypt$16384$8$1$${"A".repeat(22)}$${"A".repeat(43)}`;
  const file = configFileSchema.parse({
    merchants: [
      {
        appkey: "k1",
        appsecret: "s1secret",
        name: options.k1Name,
        notify_url: options.notifyUrl,
        return_url: "https://s1.example/r",
        channels: ["sandbox"],
      },
      {
        appkey: "k2",
        appsecret: "s2secret",
        name: "Shop 2",
        notify_url: "http://127.0.0.1:9/n",
        return_url: "https://s2.example/r",
        channels: ["sandbox-2"],
      },
    ],
    channels: [
      { id: "sandbox", provider: "sandbox", types: ["alipay"] },
      { id: "sandbox-2", provider: "sandbox", types: ["alipay"] },
    ],
    console: {
      users: [
        { name: "ops", password_hash: hash, merchants: "*" },
        { name: "k2-only", password_hash: hash, merchants: ["k2"] },
      ],
    },
  });
  return testAppConfig(file);
}
