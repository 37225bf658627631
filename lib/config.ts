import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { channelSchema, type ChannelConfig } from "@/lib/providers/registry";
import { PAY_TYPES } from "@/lib/pay-types";

/**
 * Configuration is read and validated here, once; nothing else in Paydesk reads `process.env` or the config file.
 * A bad value stops the start with a message that names the key (DESIGN §1.1).
 */

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

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
  })
  .strict();

export const configFileSchema = z
  .object({
    merchants: z.array(merchantSchema).min(1),
    channels: z.array(channelSchema).min(1),
    /** Serve the built-in demo shop (/demo/…) with a real config file too (tests, staging). Off by default. */
    demo_shop: z.boolean().default(false),
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
    cfg.merchants.forEach((m, i) => {
      if (appkeys.has(m.appkey))
        ctx.addIssue({ code: "custom", path: ["merchants", i, "appkey"], message: `duplicate appkey "${m.appkey}"` });
      appkeys.add(m.appkey);
      m.channels.forEach((id, j) => {
        if (!channelIds.has(id))
          ctx.addIssue({ code: "custom", path: ["merchants", i, "channels", j], message: `unknown channel "${id}"` });
      });
    });
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
  PAYDESK_CONFIG: z.string().default("./paydesk.config.json"),
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
});

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
    channels: [{ id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay", "qqpay"] }],
  });
}

function databaseFolder(databaseUrl: string): string {
  return databaseUrl.startsWith("file:") ? path.dirname(databaseUrl.slice("file:".length)) : "./data";
}

/** The session secret from env, else one generated once and kept beside the database (so restarts keep sessions). */
function sessionSecret(fromEnv: string | undefined, databaseUrl: string): string {
  if (fromEnv) return fromEnv;
  const folder = databaseFolder(databaseUrl);
  const file = path.join(folder, "session-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(folder, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

/** Reads and validates env and the config file. Pure except for reading the config and the generated secret. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) throw new ConfigError(describe("environment", parsedEnv.error));
  const e = parsedEnv.data;
  const baseUrl = (e.PAYDESK_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");

  let file: ConfigFile;
  let demo = false;
  const configPath = path.resolve(e.PAYDESK_CONFIG);
  if (fs.existsSync(configPath)) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(configPath, "utf8"));
    } catch (err) {
      throw new ConfigError(`${e.PAYDESK_CONFIG}: not valid JSON (${(err as Error).message})`);
    }
    const parsed = configFileSchema.safeParse(json);
    if (!parsed.success) throw new ConfigError(describe(e.PAYDESK_CONFIG, parsed.error));
    file = parsed.data;
  } else {
    file = demoConfig(baseUrl);
    demo = true;
  }

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

export function findChannel(config: AppConfig, id: string): ChannelConfig | undefined {
  return config.channels.find((c) => c.id === id);
}
