import "server-only";
import { createPublicKey } from "node:crypto";
import { z } from "zod";
import { alertsConfigSchema } from "./alerts";
import { consoleSchema, refineConsoleUsers } from "./console";
import { channelSchema } from "@/lib/providers/config-schemas";
import { PAY_TYPES } from "@/lib/pay-types";
import { DEFAULT_LIMITS, limitsSchema } from "./limits";

/**
 * The config file's schema: merchants, channels (each provider's own schema, assembled in
 * lib/providers/config-schemas.ts from the providers' `config.ts` files, no provider code), limits and the console's
 * users, with the cross-references between them. lib/config/load.ts reads the file and applies it.
 */

export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * The 彩虹易支付 (epay) credentials of a merchant (docs/protocols/epay.md#credentials); absent = epay off for that merchant.
 * `allowed_hosts` lists hosts the shop's per-request notify URLs may reach although they are loopback or private (the
 * SSRF guard, lib/net/url-guard.ts), e.g. `127.0.0.1` for local testing or a shop on the same private network.
 */
export const epayMerchantSchema = z
  .object({
    pid: z.string().regex(/^\d{1,16}$/, 'must be digits, like "1000"'),
    key: z.string().min(32, "must be at least 32 characters").max(128),
    allowed_hosts: z.array(z.string().min(1).max(255)).default([]),
  })
  .strict();

/**
 * The V免签 merchant API of a merchant (docs/protocols/vmq.md#credentials, `/vmq/{appkey}/…`); absent = off for that
 * merchant. `key` is the communication key the shop signs with; `allowed_hosts` as for epay: hosts the shop's
 * per-request `notifyUrl`/`returnUrl` may reach although they are loopback or private.
 */
export const vmqMerchantSchema = z
  .object({
    key: z.string().min(16, "must be at least 16 characters").max(128),
    allowed_hosts: z.array(z.string().min(1).max(255)).default([]),
  })
  .strict();

/**
 * Why `key` is not an RSA public key of at least 2048 bits (PEM, or the bare base64 of its DER that 彩虹易支付's merchant
 * page shows), or null. V2's sign_type is RSA, and a shorter modulus can be factored.
 */
function rsaPublicKeyProblem(key: string): string | null {
  const trimmed = key.trim();
  const body = trimmed.replace(/\s+/g, "");
  const pem = trimmed.startsWith("-----BEGIN")
    ? trimmed
    : `-----BEGIN PUBLIC KEY-----\n${body.match(/.{1,64}/g)?.join("\n") ?? ""}\n-----END PUBLIC KEY-----\n`;
  try {
    const parsed = createPublicKey(pem);
    if (parsed.asymmetricKeyType !== "rsa") return `must be an RSA key, not ${parsed.asymmetricKeyType ?? "unknown"}`;
    const bits = parsed.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits < 2048 ? `must be at least 2048 bits (this one has ${bits})` : null;
  } catch {
    return "not an RSA public key (PEM or the bare base64 of its DER)";
  }
}

/**
 * The 彩虹易支付 V2 (RSA) API of a merchant (docs/protocols/epay-v2.md#credentials, `/api/pay/*`, `/api/merchant/*`);
 * absent = V2 off for that merchant. A merchant speaks V1 (`epay`), V2 (`epay_v2`) or both, with the same `pid` when
 * both (the shop knows one merchant id). `public_key` is the shop's RSA public key: it verifies the shop's requests.
 * `allowed_hosts` as for epay.
 */
export const epayV2MerchantSchema = z
  .object({
    pid: z.string().regex(/^\d{1,16}$/, 'must be digits, like "1000"'),
    public_key: z
      .string()
      .min(1)
      .max(4096)
      .superRefine((key, ctx) => {
        const problem = rsaPublicKeyProblem(key);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    allowed_hosts: z.array(z.string().min(1).max(255)).default([]),
  })
  .strict();

export const merchantSchema = z
  .object({
    appkey: z.string().min(1).max(64),
    appsecret: z.string().min(8, "must be at least 8 characters"),
    name: z.string().min(1).max(64),
    notify_url: httpUrl.optional(),
    return_url: httpUrl.optional(),
    timeout_url: httpUrl.optional(),
    embed_origins: z.array(z.url({ protocol: /^https?$/ })).default([]),
    order_ttl_seconds: z.number().int().min(60).max(86_400).default(300),
    /** How long after expiry a payment is still credited to the order (its code stays reserved that long). */
    late_grace_seconds: z.number().int().min(0).max(86_400).default(600),
    rotation: z.enum(["smart", "uniform", "random"]).default("smart"),
    channels: z.array(z.string()).min(1),
    /** Payment types this merchant may not use even if a channel serves them (answered 203). */
    disabled_types: z.array(z.enum(PAY_TYPES)).default([]),
    /** Orders this merchant may create per Asia/Shanghai day; more are answered 110 (套餐已超额). */
    daily_order_limit: z.number().int().min(1).optional(),
    /** Turns the whole merchant API off for this appkey (answered 107). */
    api_enabled: z.boolean().default(true),
    epay: epayMerchantSchema.optional(),
    vmq: vmqMerchantSchema.optional(),
    /** The 彩虹易支付 V2 (RSA) API (docs/protocols/epay-v2.md#credentials); absent = V2 off for this merchant. */
    epay_v2: epayV2MerchantSchema.optional(),
  })
  .strict();

export const configFileSchema = z
  .object({
    merchants: z.array(merchantSchema).min(1),
    channels: z.array(channelSchema).min(1),
    /** Serve the built-in demo shop (/demo/…) with a real config file too (tests, staging). Off by default. */
    demo_shop: z.boolean().default(false),
    /** Abuse limits (lib/config/limits.ts); every field has a default. */
    limits: limitsSchema.default(DEFAULT_LIMITS),
    /** The merchant console's users (/console); absent: nobody can log in. */
    console: consoleSchema.optional(),
    /** Where alerts go and when (lib/config/alerts.ts, docs/alerts.md); absent: no alerts are sent. */
    alerts: alertsConfigSchema.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const channelIds = new Set<string>();
    cfg.channels.forEach((c, i) => {
      if (channelIds.has(c.id))
        ctx.addIssue({ code: "custom", path: ["channels", i, "id"], message: `duplicate channel id "${c.id}"` });
      channelIds.add(c.id);
    });
    const appkeys = new Set<string>();
    const pids = new Set<string>();
    const v2Pids = new Set<string>();
    cfg.merchants.forEach((m, i) => {
      if (appkeys.has(m.appkey))
        ctx.addIssue({ code: "custom", path: ["merchants", i, "appkey"], message: `duplicate appkey "${m.appkey}"` });
      appkeys.add(m.appkey);
      if (m.epay) {
        if (pids.has(m.epay.pid))
          ctx.addIssue({
            code: "custom",
            path: ["merchants", i, "epay", "pid"],
            message: `duplicate epay pid "${m.epay.pid}"`,
          });
        pids.add(m.epay.pid);
      }
      if (m.epay_v2) {
        // V2 requests find their merchant by this pid alone (lib/merchant-api/epay-v2/epay-v2-auth.ts).
        if (v2Pids.has(m.epay_v2.pid))
          ctx.addIssue({
            code: "custom",
            path: ["merchants", i, "epay_v2", "pid"],
            message: `duplicate epay_v2 pid "${m.epay_v2.pid}"`,
          });
        v2Pids.add(m.epay_v2.pid);
      }
      m.channels.forEach((id, j) => {
        if (!channelIds.has(id))
          ctx.addIssue({ code: "custom", path: ["merchants", i, "channels", j], message: `unknown channel "${id}"` });
      });
    });
    refineConsoleUsers(cfg.console?.users ?? [], appkeys, ctx);
  });

export type Merchant = z.infer<typeof merchantSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;
