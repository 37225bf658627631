import "server-only";
import type { AppContext } from "@/lib/context";
import type { AlertKind } from "@/lib/storage/alert-records";
import type { Repositories } from "@/lib/storage/repositories";
import { alertSettings, severityAtLeast, type Severity } from "@/lib/config/alerts";
import { processSingleton, readProcessState } from "@/lib/process-state";

/**
 * The alerts API the rest of Paydesk calls. It only writes rows (one transaction: the condition, the alert, one
 * delivery per sink) and never talks to a sink: the delivery loop (lib/alerts/deliverer.ts) does that on its own
 * slots, so a sink that is down or slow never delays a payment or a shop notification.
 */
export type AlertCtx = Pick<AppContext, "repos" | "withTransaction" | "now" | "log" | "config">;

export interface AlertInput {
  /** What the alert is about, stable while it lasts: `notify:<appkey>`, `monitor:<channel>`, `breaker:<channel>`. */
  condition: string;
  severity: Severity;
  title: string;
  body: string;
}

type QueuedListener = () => void;

/** Called after an alert was queued (the delivery loop kicks itself); returns the unsubscribe. */
export function onAlertQueued(listener: QueuedListener): () => void {
  const set = processSingleton("alertListeners", () => new Set<QueuedListener>());
  set.add(listener);
  return () => set.delete(listener);
}

function announce(): void {
  for (const l of readProcessState<Set<QueuedListener>>("alertListeners") ?? []) l();
}

/** The sinks an alert of `severity` goes to (enabled, and at or above each sink's minimum). */
export function sinksFor(ctx: Pick<AlertCtx, "config">, severity: Severity): string[] {
  return alertSettings(ctx.config)
    .sinks.filter((s) => s.enabled && severityAtLeast(severity, s.min_severity))
    .map((s) => s.id);
}

async function queue(
  ctx: AlertCtx,
  repos: Repositories,
  a: { condition: string | null; kind: AlertKind; severity: Severity; title: string; body: string },
): Promise<number> {
  return repos.alerts.insertAlert({ ...a, now: ctx.now() }, sinksFor(ctx, a.severity));
}

/**
 * Raises a condition: the first call alerts, every later one is a no-op until clearAlert (on every instance: the
 * condition is a row). Returns whether this call alerted.
 */
export async function raiseAlert(ctx: AlertCtx, a: AlertInput): Promise<boolean> {
  const raised = await ctx.withTransaction(async (repos) => {
    if (!(await repos.alerts.raiseCondition({ condition: a.condition, severity: a.severity, now: ctx.now() })))
      return false;
    await queue(ctx, repos, { ...a, kind: "raised" });
    return true;
  });
  if (raised) {
    ctx.log.warn({ condition: a.condition, severity: a.severity, title: a.title }, "alert raised");
    announce();
  }
  return raised;
}

/**
 * Clears a condition: if it was raised, one "recovered" alert goes to the sinks the alert went to. Returns whether
 * this call cleared it.
 */
export async function clearAlert(
  ctx: AlertCtx,
  condition: string,
  recovered: { title: string; body: string } = { title: `已恢复：${condition}`, body: "" },
): Promise<boolean> {
  const cleared = await ctx.withTransaction(async (repos) => {
    const severity = await repos.alerts.clearCondition(condition, ctx.now());
    if (!severity) return false;
    await queue(ctx, repos, { condition, kind: "recovered", severity, ...recovered });
    return true;
  });
  if (cleared) {
    ctx.log.info({ condition }, "alert recovered");
    announce();
  }
  return cleared;
}

/**
 * A one-off alert (a payment kept for review, the daily summary, a test). With `once`, the key is kept as a condition
 * that is never cleared, so the same event alerts once however many instances or ticks notice it.
 */
export async function postAlert(
  ctx: AlertCtx,
  a: {
    kind: Extract<AlertKind, "event" | "summary" | "test">;
    severity: Severity;
    title: string;
    body: string;
    once?: string;
  },
): Promise<number | null> {
  const id = await ctx.withTransaction(async (repos) => {
    if (a.once && !(await repos.alerts.raiseCondition({ condition: a.once, severity: a.severity, now: ctx.now() })))
      return null;
    return queue(ctx, repos, {
      condition: a.once ?? null,
      kind: a.kind,
      severity: a.severity,
      title: a.title,
      body: a.body,
    });
  });
  if (id !== null) announce();
  return id;
}

/** The console's "send a test alert": one alert to one sink (or all), whatever their minimum severity. */
export async function sendTestAlert(ctx: AlertCtx, sinkId?: string): Promise<number> {
  const sinks = alertSettings(ctx.config)
    .sinks.filter((s) => s.enabled && (sinkId === undefined || s.id === sinkId))
    .map((s) => s.id);
  const id = await ctx.withTransaction((repos) =>
    repos.alerts.insertAlert(
      {
        condition: null,
        kind: "test",
        severity: "info",
        title: "测试告警",
        body: "这是一条测试告警：收到即说明该通道配置正确。",
        now: ctx.now(),
      },
      sinks,
    ),
  );
  announce();
  return id;
}
