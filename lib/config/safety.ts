import type { ChannelConfig } from "@/lib/providers/config-schemas";

/** The shape these rules read: a parsed config file (kept structural so lib/config/schema.ts need not be imported). */
interface CheckedFile {
  merchants: { appkey: string; appsecret: string; channels: string[] }[];
  channels: ChannelConfig[];
}

/** One refused setting: the key's path and a message that names the merchant or channel. */
export interface SafetyIssue {
  path: string;
  message: string;
}

/**
 * Secrets shorter than this would let anyone holding one signed URL guess the secret offline
 * (docs/protocols/cloudpay.md#return).
 */
export const MIN_SECRET_LENGTH = 32;

/**
 * Rules that keep a real deployment from paying out on a payer's button press. A sandbox channel is a test key: a
 * merchant using one may use nothing else (else a payer could press "simulate payment" on a real shop's order and
 * the shop would receive a correctly signed "paid"). Applied to every config file; the demo config obeys them too
 * except for the secret length (its secret is published anyway and its channel is the sandbox).
 */
export function safetyIssues(file: CheckedFile, options: { demo: boolean }): SafetyIssue[] {
  const issues: SafetyIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path: path.join("."), message });
  const sandboxIds = new Set(file.channels.filter((c) => c.provider === "sandbox").map((c) => c.id));
  file.merchants.forEach((m, i) => {
    const sandbox = m.channels.filter((id) => sandboxIds.has(id));
    if (sandbox.length > 0 && sandbox.length < m.channels.length) {
      const real = m.channels.filter((id) => !sandboxIds.has(id));
      add(
        ["merchants", i, "channels"],
        `merchant "${m.appkey}" mixes the sandbox (${sandbox.join(", ")}) with real channels (${real.join(", ")}): a test merchant may only use sandbox channels`,
      );
    }
    if (!options.demo && m.appsecret.length < MIN_SECRET_LENGTH) {
      add(
        ["merchants", i, "appsecret"],
        `merchant "${m.appkey}": appsecret must be at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
  });
  file.channels.forEach((c, i) => {
    if (c.provider === "sandbox" && !options.demo && c.key === undefined) {
      add(["channels", i, "key"], `sandbox channel "${c.id}" needs an explicit key outside demo mode`);
    }
  });
  return issues;
}

/** True when every one of the merchant's channels is a sandbox channel (its pages say it is a test merchant). */
export function isTestMerchant(merchant: { channels: string[] }, channels: ChannelConfig[]): boolean {
  const sandboxIds = new Set(channels.filter((c) => c.provider === "sandbox").map((c) => c.id));
  return merchant.channels.length > 0 && merchant.channels.every((id) => sandboxIds.has(id));
}
