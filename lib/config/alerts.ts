import { z } from "zod";

/**
 * The `alerts` section of the settings file: where operator alerts go (sinks), when they wait (quiet hours) and what
 * raises them (triggers). Every field has a default, so `alerts: {}` (or none) is valid and sends nothing.
 * Wire formats of each sink: docs/alerts.md.
 */

export const SEVERITIES = ["info", "warning", "critical"] as const;
export const severitySchema = z.enum(SEVERITIES);

const sinkBase = {
  /** The sink's name in the history and the console (letters, digits, `-`, `_`). */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "letters, digits, - and _ (at most 64)"),
  enabled: z.boolean().default(true),
  /** Alerts below this severity are not sent to this sink. */
  min_severity: severitySchema.default("info"),
  /** At most this many alerts per rolling hour; the rest wait (never dropped). 企业微信/钉钉 allow 20 per minute. */
  rate_per_hour: z.int().min(1).max(3600).default(30),
};

const httpsish = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

export const webhookSinkSchema = z.object({
  ...sinkBase,
  type: z.literal("webhook"),
  url: httpsish,
  /** Signs each body: `X-Paydesk-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. */
  secret: z.string().min(16, "at least 16 characters"),
});

export const wecomSinkSchema = z.object({
  ...sinkBase,
  type: z.literal("wecom"),
  /** The `key` of the group robot's webhook URL (…/cgi-bin/webhook/send?key=…). */
  key: z.string().min(1),
  msgtype: z.enum(["markdown", "text"]).default("markdown"),
  url: httpsish.default("https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),
});

export const dingtalkSinkSchema = z.object({
  ...sinkBase,
  type: z.literal("dingtalk"),
  access_token: z.string().min(1),
  /** The robot's 加签 secret (`SEC…`); without it the robot must allow Paydesk by keyword or IP. */
  secret: z.string().min(1).optional(),
  url: httpsish.default("https://oapi.dingtalk.com/robot/send"),
});

export const telegramSinkSchema = z.object({
  ...sinkBase,
  type: z.literal("telegram"),
  bot_token: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, "a bot token from @BotFather (123456:ABC…)"),
  chat_id: z.union([z.string().min(1), z.int()]).transform(String),
  api_base: httpsish.default("https://api.telegram.org"),
});

export const emailSinkSchema = z.object({
  ...sinkBase,
  type: z.literal("email"),
  host: z.string().min(1),
  port: z.int().min(1).max(65535).default(465),
  /** TLS from the first byte (port 465); false = STARTTLS when offered (port 587/25). */
  secure: z.boolean().optional(),
  user: z.string().optional(),
  pass: z.string().optional(),
  from: z.string().min(3),
  to: z.array(z.email()).min(1),
});

export const sinkSchema = z.discriminatedUnion("type", [
  webhookSinkSchema,
  wecomSinkSchema,
  dingtalkSinkSchema,
  telegramSinkSchema,
  emailSinkSchema,
]);

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM (Beijing time)");

export const alertsConfigSchema = z
  .object({
    sinks: z.array(sinkSchema).default([]),
    /** Beijing time; alerts below `allow` wait until it ends (a window may cross midnight, e.g. 23:00 → 08:00). */
    quiet_hours: z.object({ from: clock, to: clock, allow: severitySchema.default("critical") }).optional(),
    triggers: z
      .object({
        /** A shop alerts after this many failed attempts in a row… */
        notify_failures_in_row: z.int().min(1).max(1000).default(5),
        /** …or when its oldest undelivered notification is older than this. */
        notify_oldest_minutes: z.int().min(1).max(10_080).default(30),
        /** Beijing hour of the daily summary (of the day before); null: none. */
        daily_summary_hour: z.int().min(0).max(23).nullable().default(9),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.sinks.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({ code: "custom", path: ["sinks", i, "id"], message: `duplicate sink id "${s.id}"` });
      seen.add(s.id);
    });
  });

export type Severity = z.infer<typeof severitySchema>;
export type SinkConfig = z.infer<typeof sinkSchema>;
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;

const NONE = alertsConfigSchema.parse({});
const parsed = new WeakMap<object, AlertsConfig>();

/**
 * The alerts settings of an app config, or none configured. The file's section is validated at load; a config built
 * in code (tests, the demo) may carry the section without its defaults, so it goes through the schema once per object.
 */
export function alertSettings(config: { alerts?: unknown }): AlertsConfig {
  const raw = config.alerts;
  if (raw === undefined || raw === null || typeof raw !== "object") return NONE;
  let settings = parsed.get(raw);
  if (!settings) {
    settings = alertsConfigSchema.parse(raw);
    parsed.set(raw, settings);
  }
  return settings;
}

/** Severity order: info < warning < critical. */
export function severityAtLeast(s: Severity, min: Severity): boolean {
  return SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(min);
}
