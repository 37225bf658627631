import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { vmqMerchantSchema } from "@/lib/merchant-protocol/vmq/vmq-config";
import { consoleSchema, refineConsoleUsers, type ConsoleUser } from "@/lib/console/console-config";
import { channelSchema, type ChannelConfig } from "@/lib/providers/registry";
import { PAY_TYPES } from "@/lib/pay-types";
import { DEFAULT_LIMITS, limitsSchema, type Limits } from "@/lib/config-limits";
import { safetyIssues } from "@/lib/config-safety";
import { sessionSecret } from "@/lib/session-secret";

/**
 * Configuration is read and validated here, once; nothing else in Paydesk reads `process.env` or the config file.
 * A bad value stops the start with a message that names the key (DESIGN §1.1).
 */

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * The 彩虹易支付 (epay) credentials of a merchant (PROTOCOLS §5); absent = epay off for that merchant. `allowed_hosts`
 * lists hosts the shop's per-request notify URLs may reach although they are loopback or private (the SSRF guard,
 * lib/merchant-notify/url-guard.ts), e.g. `127.0.0.1` for local testing or a shop on the same private network.
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
    /** Abuse limits (lib/config-limits.ts); every field has a default. */
    limits: limitsSchema.default(DEFAULT_LIMITS),
    /** The merchant console's users (/console); absent: nobody can log in. */
    console: consoleSchema.optional(),
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

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  PAYDESK_BASE_URL: httpUrl.optional(),
  PAYDESK_DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: or postgres://")
    .default("file:./data/paydesk.db"),
  /** Set explicitly, the file must exist and be readable; only the default path may be absent (demo mode). */
  PAYDESK_CONFIG: z.string().min(1).optional(),
  PAYDESK_SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  PAYDESK_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** How often the notification dispatcher and the expiry sweeper look for work. */
  PAYDESK_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** How long a merchant's notify_url has to answer one delivery attempt. */
  PAYDESK_NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Default upstream (provider) call timeout; a channel's `timeout_ms` overrides it. */
  PAYDESK_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8000),
  /** `off` starts no background work in this process (for a read-only replica or a test harness). */
  PAYDESK_BACKGROUND: z.enum(["on", "off"]).default("on"),
  /** Set by Next.js itself; `development` relaxes the CSP for the dev server's eval-based tooling. */
  NODE_ENV: z.string().optional(),
  /** Bearer token for `GET /api/metrics`; the endpoint answers 404 when unset. */
  PAYDESK_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
});

/** Where the config file is looked for when PAYDESK_CONFIG is not set. */
export const DEFAULT_CONFIG_PATH = "./paydesk.config.json";

export interface AppConfig {
  port: number;
  baseUrl: string;
  databaseUrl: string;
  sessionSecret: string;
  logLevel: z.infer<typeof envSchema>["PAYDESK_LOG_LEVEL"];
  dispatchIntervalMs: number;
  notifyTimeoutMs: number;
  upstreamTimeoutMs: number;
  background: boolean;
  /** True when no config file exists and the built-in demo merchant is serving. */
  demo: boolean;
  /** The built-in demo shop (/demo/…) answers: always in demo mode, else when the config file asks for it. */
  demoShop: boolean;
  merchants: Merchant[];
  channels: ChannelConfig[];
  limits: Limits;
  /** `next dev` is serving (NODE_ENV=development). */
  dev: boolean;
  /** Bearer token that opens `GET /api/metrics`; undefined = the endpoint is off. */
  metricsToken?: string;
  /** Who may log in to the merchant console (config file `console.users`). */
  consoleUsers: ConsoleUser[];
}

/** A configuration problem, already phrased for the operator (names the key). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function describe(source: string, error: z.ZodError): string {
  return error.issues.map((i) => `${source}: ${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("\n");
}

/** The demo merchant: sandbox channel, notify/return/timeout on the built-in demo shop (app/demo). */
export function demoConfig(baseUrl: string): ConfigFile {
  return configFileSchema.parse({
    merchants: [
      {
        appkey: "demo",
        appsecret: "demo-secret-change-me",
        name: "Paydesk 演示商店",
        notify_url: `${baseUrl}/demo/notify`,
        return_url: `${baseUrl}/demo/return`,
        timeout_url: `${baseUrl}/demo/timeout`,
        order_ttl_seconds: 300,
        channels: ["sandbox"],
      },
    ],
    // The key is the published default (DESIGN §1.2): fine for the demo, refused in a real config file.
    channels: [{ id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay", "qqpay"], key: "sandbox" }],
  });
}

/** The config file's JSON, or undefined for demo mode (the default path absent). Refuses an unreadable file. */
function readConfigJson(
  explicit: string | undefined,
  defaultPath: string,
): { json: unknown; name: string } | undefined {
  const name = explicit ?? defaultPath;
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(name), "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Only a missing file at the default path means demo: a set-but-wrong PAYDESK_CONFIG must not start the demo
    // merchant with its published secret in place of the operator's merchants.
    if (explicit === undefined && code === "ENOENT") return undefined;
    throw new ConfigError(`PAYDESK_CONFIG: cannot read ${path.resolve(name)} (${code ?? (err as Error).message})`);
  }
  try {
    return { json: JSON.parse(text), name };
  } catch (err) {
    throw new ConfigError(`${name}: not valid JSON (${(err as Error).message})`);
  }
}

/** Reads and validates env and the config file. Pure except for reading the config and the generated secret. */
export function loadConfig(
  env: Record<string, string | undefined>,
  defaultConfigPath = DEFAULT_CONFIG_PATH,
): AppConfig {
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) throw new ConfigError(describe("environment", parsedEnv.error));
  const e = parsedEnv.data;
  const baseUrl = (e.PAYDESK_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");

  let file: ConfigFile;
  const read = readConfigJson(e.PAYDESK_CONFIG, defaultConfigPath);
  const demo = read === undefined;
  if (read) {
    const parsed = configFileSchema.safeParse(read.json);
    if (!parsed.success) throw new ConfigError(describe(read.name, parsed.error));
    file = parsed.data;
  } else {
    file = demoConfig(baseUrl);
  }
  const unsafe = safetyIssues(file, { demo });
  if (unsafe.length)
    throw new ConfigError(unsafe.map((i) => `${read?.name ?? "demo"}: ${i.path}: ${i.message}`).join("\n"));

  return {
    port: e.PORT,
    baseUrl,
    databaseUrl: e.PAYDESK_DATABASE_URL,
    sessionSecret: sessionSecret(e.PAYDESK_SESSION_SECRET, e.PAYDESK_DATABASE_URL),
    logLevel: e.PAYDESK_LOG_LEVEL,
    dispatchIntervalMs: e.PAYDESK_DISPATCH_INTERVAL_MS,
    notifyTimeoutMs: e.PAYDESK_NOTIFY_TIMEOUT_MS,
    upstreamTimeoutMs: e.PAYDESK_UPSTREAM_TIMEOUT_MS,
    background: e.PAYDESK_BACKGROUND === "on",
    demo,
    demoShop: demo || file.demo_shop,
    merchants: file.merchants,
    channels: file.channels,
    limits: file.limits,
    dev: e.NODE_ENV === "development",
    metricsToken: e.PAYDESK_METRICS_TOKEN,
    consoleUsers: file.console?.users ?? [],
  };
}

const globalForConfig = globalThis as unknown as { __paydeskConfig?: AppConfig };

/** The process-wide configuration, loaded on first use. */
export function getConfig(): AppConfig {
  globalForConfig.__paydeskConfig ??= loadConfig(process.env);
  return globalForConfig.__paydeskConfig;
}

/** Replaces the process-wide configuration (tests). */
export function setConfigForTests(config: AppConfig): void {
  globalForConfig.__paydeskConfig = config;
}

export function findMerchant(config: AppConfig, appkey: string): Merchant | undefined {
  return config.merchants.find((m) => m.appkey === appkey);
}

/** The merchant whose epay `pid` this is (PROTOCOLS §5). */
export function findEpayMerchant(config: AppConfig, pid: string): Merchant | undefined {
  return config.merchants.find((m) => m.epay?.pid === pid);
}

export function findChannel(config: AppConfig, id: string): ChannelConfig | undefined {
  return config.channels.find((c) => c.id === id);
}
