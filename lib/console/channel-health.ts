import "server-only";
import { channelBreaker, type CircuitBreaker } from "@/lib/channels/circuit-breaker";
import type { AppContext } from "@/lib/context";
import type { ChannelRules } from "@/lib/providers/channel-base-schema";
import type { ChannelConfig } from "@/lib/providers/registry";
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
  breaker: { open: boolean; failures: number; openUntil: number | null };
  /** Only for channels run by a monitor program on the payee's phone or PC (三网, V免签). */
  monitor: { online: boolean; lastSeenAt: number | null } | null;
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
  const monitorIds = scope.channels.filter(isMonitorChannel).map((c) => c.id);
  const [activity, lastPaid, lastSignal] = await Promise.all([
    ctx.repos.consoleQueries.channelActivitySince(scope.appkeys, ids, since),
    ctx.repos.consoleQueries.lastAppliedPaymentAt(ids),
    monitorIds.length
      ? ctx.repos.consoleQueries.lastMonitorSignalAt(monitorIds)
      : Promise.resolve(new Map<string, number>()),
  ]);
  const byId = new Map(activity.map((a) => [a.channel_id, a]));
  // A V免签 app calls in by itself: its heartbeat (and the channel's own offline_after_seconds) says whether it is up.
  const heartbeats = new Map(
    await Promise.all(
      scope.channels
        .filter((c) => c.provider === "vmq")
        .map(async (c) => {
          const lastSeenAt = await ctx.repos.monitors.lastHeartbeat(c.id);
          const online = (await ctx.provider(c).isAvailable?.(now)) ?? false;
          return [c.id, { online, lastSeenAt }] as const;
        }),
    ),
  );
  return scope.channels.map((c) => {
    const a = byId.get(c.id);
    const today = { created: a?.created ?? 0, paid: a?.paid ?? 0, paidFen: a?.paid_fen ?? 0 };
    return {
      id: c.id,
      provider: c.provider,
      types: [...c.types],
      rules: c.rules,
      today,
      successRate: today.created ? today.paid / today.created : null,
      lastPaymentAt: lastPaid.get(c.id) ?? null,
      breaker: breaker.state(c.id, now),
      monitor: heartbeats.get(c.id) ?? (isMonitorChannel(c) ? monitorState(lastSignal.get(c.id), now) : null),
    };
  });
}
