import type { AlertsConfig } from "./alerts";
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { ChannelConfig } from "@/lib/providers/config-schemas";
import { processSingleton, writeProcessState } from "@/lib/process-state";
import type { Limits } from "./limits";
import { safetyIssues } from "./safety";
import { configFileSchema, httpUrl, type ConfigFile, type Merchant } from "./schema";
import { sessionSecret } from "./session-secret";
import { settingsSourceSchema, splitSettingsSource, type SettingsSource } from "./settings-store";

/**
 * Configuration is read and validated here, once; nothing else in Paydesk reads `process.env` or the config file.
 * A bad value stops the start with a message that names the key (docs/contract.md#configuration-file).
 */

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
  consoleUsers: NonNullable<ConfigFile["console"]>["users"];
  /** Alert sinks, triggers and quiet hours (config file `alerts`); absent: none. */
  alerts?: AlertsConfig;
  /**
   * Which is the truth for the settings above (docs/contract.md#settings-source): the file's `settings_source`,
   * "file" when a file exists and says nothing, "database" without a file. Absent (test configs): "file".
   */
  settingsSource?: SettingsSource;
  /** The config file as validated (without `settings_source`): imported into the database on a first start. */
  fileDocument?: ConfigFile;
  /** The version of the database settings this config carries (lib/config/settings-live.ts); absent: none applied. */
  settingsVersion?: number;
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
    // The key is the published default (docs/contract.md#sandbox-provider): fine for the demo, refused in a real config
    // file.
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
  let settingsSource: SettingsSource = "database";
  if (read) {
    const split = splitSettingsSource(read.json);
    const source = settingsSourceSchema.default("file").safeParse(split.source);
    if (!source.success) throw new ConfigError(`${read.name}: settings_source: must be "file" or "database"`);
    settingsSource = source.data;
    const parsed = configFileSchema.safeParse(split.json);
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
    alerts: file.alerts,
    settingsSource,
    ...(read ? { fileDocument: file } : {}),
  };
}

/**
 * The configuration with a settings document from the database in place of the file's (lib/config/settings-live.ts);
 * env-only values stay. A stored document is never the demo (the demo's merchant is not stored).
 */
export function withSettings(config: AppConfig, document: ConfigFile, version: number): AppConfig {
  return {
    ...config,
    demo: false,
    demoShop: document.demo_shop,
    merchants: document.merchants,
    channels: document.channels,
    limits: document.limits,
    consoleUsers: document.console?.users ?? [],
    alerts: document.alerts,
    settingsVersion: version,
  };
}

/** The process-wide configuration (lib/process-state.ts), loaded on first use. */
export function getConfig(): AppConfig {
  return processSingleton("config", () => loadConfig(process.env));
}

/**
 * Swaps the process-wide configuration for a new one (lib/config/settings-live.ts, after validating it): requests
 * that already hold the old object finish with it, the next `getConfig()` sees the new one.
 */
export function replaceConfig(config: AppConfig): void {
  writeProcessState("config", config);
}

/** Replaces the process-wide configuration (tests). */
export function setConfigForTests(config: AppConfig): void {
  writeProcessState("config", config);
}
