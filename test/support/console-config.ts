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
