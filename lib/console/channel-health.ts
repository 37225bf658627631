import "server-only";
import { channelBreaker, type BreakerEvent, type CircuitBreaker } from "@/lib/channels/circuit-breaker";
import { budgetStatus, type BudgetStatus } from "@/lib/channels/channel-budget";
import { isSecretSetting, SECRET_SETTING_NAMES } from "@/lib/config/secret-settings";
import type { AppContext } from "@/lib/context";
import { setMonitorOnline, upstreamToday } from "@/lib/metrics";
import type { ChannelRules } from "@/lib/providers/channel-base-schema";
import type { ChannelConfig } from "@/lib/providers/registry";
import { maskSecret } from "./alerts-page";
import type { ConsoleScope } from "./console-scope";
import { shanghaiDay, shanghaiDayStartMs } from "@/lib/time/beijing-day";

/** A monitor heard from within this window counts as online (三网 pushes each payment and serves each code). */
export const MONITOR_ONLINE_MS = 10 * 60_000;

export interface ChannelHealth {
  id: string;
  provider: string;
  types: string[];
  rules: ChannelRules | undefined;
  today: { created: number; paid: number; paidFen: number };
  /** paid / created today, null with no orders today. */
  successRate: number | null;
  lastPaymentAt: number | null;
  breaker: { open: boolean; failures: number; openUntil: number | null; history: BreakerEvent[] };
  /** The provider's last answer that counted as a failure, and when (this process's breaker keeps it). */
  lastError: { text: string; at: number | null } | null;
  /** Upstream calls today (Beijing) in this process: successes and failures (lib/metrics.ts). */
  upstream: { ok: number; failed: number };
  /** Only for channels run by a monitor program on the payee's phone or PC (三网, V免签). */
  monitor: { online: boolean; lastSeenAt: number | null } | null;
  /** Orders and amount today against the channel's budget, and its rest (lib/channels/channel-budget.ts). */
  budget: BudgetStatus;
  /** The channel's provider settings, `[field, shown value]`, credentials masked (channelSettingsShown). */
  settings: [string, string][];
}

/**
 * Channel settings that are credentials (private keys, the APIv3 key, API keys and secrets): never shown back in the
 * console, in an error text or in the log (lib/config/secret-settings.ts: one rule for the console, the settings diffs and the log). Public keys and certificates are
 * not secret, but only their kind and length are shown: a PEM block says nothing at a glance.
 */
export const CHANNEL_SECRET_FIELDS: readonly string[] = [...SECRET_SETTING_NAMES, "key"];

/** Shown elsewhere on the channels page (id, provider, wallets, rules), or the channel's own budget. */
const SHOWN_APART = new Set(["id", "provider", "types", "rules"]);

function shownValue(field: string, value: unknown): string {
  if (isSecretSetting(field)) return maskSecret(String(value));
  if (Array.isArray(value)) return value.map((v) => shownValue(field, v)).join(", ");
  if (typeof value === "string") {
    const pem = /^-----BEGIN ([A-Z ]+)-----/.exec(value.trim());
    return pem ? `${pem[1]}（${value.length}）` : value;
  }
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/** A channel's provider settings for the console, every credential masked. */
export function channelSettingsShown(c: ChannelConfig): [string, string][] {
  return Object.entries(c)
    .filter(([field, value]) => !SHOWN_APART.has(field) && value !== undefined)
    .map(([field, value]) => [field, shownValue(field, value)]);
}

/**
 * A text about a channel (its last upstream error) with any of the channel's credentials in it masked: a provider
 * that echoes its request back in an error must not show the key on the channels page.
 */
export function maskChannelSecrets(c: ChannelConfig, text: string): string {
  const record = c as Record<string, unknown>;
  let out = text;
  for (const field of CHANNEL_SECRET_FIELDS) {
    const value = record[field];
    // Short values (a test key) would mask ordinary words; real credentials are long.
    if (typeof value === "string" && value.trim().length >= 8) out = out.split(value.trim()).join(maskSecret(value));
  }
  return out;
}

type MonitorState = { online: boolean; lastSeenAt: number | null };

/**
 * Whether each monitor-run channel's monitor is online: a V免签 app by its heartbeat and the channel's own
 * offline_after_seconds (the provider's isAvailable), 三网 by its last push or code. Sets the
 * paydesk_channel_monitor_online gauge for each, so the metric says what the console says.
 */
export async function monitorStates(
  ctx: Pick<AppContext, "repos" | "provider">,
  channels: readonly ChannelConfig[],
  now: number,
): Promise<Map<string, MonitorState>> {
  const sanwang = channels.filter(isMonitorChannel).map((c) => c.id);
  const lastSignal = sanwang.length
    ? await ctx.repos.consoleQueries.lastMonitorSignalAt(sanwang)
    : new Map<string, number>();
  const out = new Map<string, MonitorState>();
  for (const c of channels) {
    if (c.provider === "vmq") {
      const lastSeenAt = await ctx.repos.monitors.lastHeartbeat(c.id);
      out.set(c.id, { online: (await ctx.provider(c).isAvailable?.(now)) ?? false, lastSeenAt });
    } else if (isMonitorChannel(c)) out.set(c.id, monitorState(lastSignal.get(c.id), now));
  }
  for (const [id, m] of out) setMonitorOnline(id, m.online);
  return out;
}

/**
 * Channels whose payments come from a monitor program we can only hear, not ask (docs/providers/sanwang.md,
 * docs/protocols/vmq.md#monitor-app).
 */
export function isMonitorChannel(c: ChannelConfig): boolean {
  return c.provider === "sanwang";
}

export function monitorState(
  lastSeenAt: number | undefined,
  now: number,
): { online: boolean; lastSeenAt: number | null } {
  return { online: lastSeenAt !== undefined && now - lastSeenAt <= MONITOR_ONLINE_MS, lastSeenAt: lastSeenAt ?? null };
}

/**
 * The channels page: configuration (read-only), today's activity of the operator's merchants, the last payment,
 * this process's circuit-breaker state, and whether a monitor program is alive.
 */
export async function loadChannelHealth(
  ctx: AppContext,
  scope: ConsoleScope,
  breaker: CircuitBreaker = channelBreaker(),
): Promise<ChannelHealth[]> {
  const now = ctx.now();
  const since = shanghaiDayStartMs(shanghaiDay(now));
  const ids = scope.channels.map((c) => c.id);
  const [activity, lastPaid, monitors] = await Promise.all([
    ctx.repos.consoleQueries.channelActivitySince(scope.appkeys, ids, since),
    ctx.repos.consoleQueries.lastAppliedPaymentAt(ids),
    monitorStates(ctx, scope.channels, now),
  ]);
  const byId = new Map(activity.map((a) => [a.channel_id, a]));
  const budgets = await Promise.all(scope.channels.map((c) => budgetStatus(ctx, c.id)));
  return scope.channels.map((c, i) => {
    const a = byId.get(c.id);
    const b = breaker.state(c.id, now);
    const today = { created: a?.created ?? 0, paid: a?.paid ?? 0, paidFen: a?.paid_fen ?? 0 };
    return {
      id: c.id,
      provider: c.provider,
      types: [...c.types],
      rules: c.rules,
      today,
      successRate: today.created ? today.paid / today.created : null,
      lastPaymentAt: lastPaid.get(c.id) ?? null,
      breaker: { open: b.open, failures: b.failures, openUntil: b.openUntil, history: b.history },
      lastError: b.lastError ? { text: maskChannelSecrets(c, b.lastError), at: b.lastErrorAt } : null,
      upstream: upstreamToday(c.id, now),
      monitor: monitors.get(c.id) ?? null,
      budget: budgets[i]!,
      settings: channelSettingsShown(c),
    };
  });
}
