import "server-only";
import { z } from "zod";
import { vmqMerchantSchema } from "@/lib/merchant-api/vmq/vmq-merchant-config";
import { alertsConfigSchema } from "./alerts";
import { consoleSchema, refineConsoleUsers } from "@/lib/console/console-config";
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
      m.channels.forEach((id, j) => {
        if (!channelIds.has(id))
          ctx.addIssue({ code: "custom", path: ["merchants", i, "channels", j], message: `unknown channel "${id}"` });
      });
    });
    refineConsoleUsers(cfg.console?.users ?? [], appkeys, ctx);
  });

export type Merchant = z.infer<typeof merchantSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;
