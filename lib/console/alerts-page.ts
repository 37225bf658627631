import "server-only";
import { sendTestAlert } from "@/lib/alerts/alerts";
import { alertSettings, type AlertsConfig, type SinkConfig } from "@/lib/config/alerts";
import type { AppContext } from "@/lib/context";
import type { AlertWithDeliveries } from "@/lib/storage/console-ops-repo";
import type { ActionResult } from "./console-actions";
import type { ConsoleScope } from "./console-scope";

/**
 * The alerts page (issue 20): the sinks of the settings file with every secret masked, a test alert per sink (through
 * the outbox, like any alert), and the alert history with each delivery's attempts and answer. Alerts speak of every
 * merchant and channel, so the page and its action belong to operators who see all merchants.
 */
export const ALERTS_PAGE_SIZE = 20;

export interface SinkView {
  id: string;
  type: SinkConfig["type"];
  enabled: boolean;
  minSeverity: string;
  ratePerHour: number;
  /** What the settings say, secrets masked: `[field, shown value]`. */
  fields: [string, string][];
}

export interface AlertsPageModel {
  sinks: SinkView[];
  quietHours: AlertsConfig["quiet_hours"] | null;
  triggers: AlertsConfig["triggers"];
  history: AlertWithDeliveries[];
  page: number;
  pages: number;
  total: number;
}

/** A secret shown only by its first characters and length: enough to tell two apart, useless to an onlooker. */
export function maskSecret(s: string): string {
  const head = s.length > 12 ? s.slice(0, 3) : "";
  return `${head}••••••（${s.length}）`;
}

/** A URL without what may carry a credential: the origin is shown, the path and query masked. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname.length > 1 || u.search ? `${u.origin}/••••••` : u.origin;
  } catch {
    return maskSecret(url);
  }
}

export function sinkView(s: SinkConfig): SinkView {
  const fields: [string, string][] = (() => {
    switch (s.type) {
      case "webhook":
        return [
          ["url", maskUrl(s.url)],
          ["secret", maskSecret(s.secret)],
        ];
      case "wecom":
        return [
          ["url", s.url],
          ["key", maskSecret(s.key)],
          ["msgtype", s.msgtype],
        ];
      case "dingtalk":
        return [
          ["url", s.url],
          ["access_token", maskSecret(s.access_token)],
          ["secret", s.secret ? maskSecret(s.secret) : "—"],
        ];
      case "telegram":
        return [
          ["api_base", s.api_base],
          // The bot's numeric id (before the colon) is public; the part after it is the credential.
          ["bot_token", `${s.bot_token.split(":")[0]}:${maskSecret(s.bot_token.split(":")[1] ?? "")}`],
          ["chat_id", s.chat_id],
        ];
      case "email":
        return [
          ["host", `${s.host}:${s.port}`],
          ["user", s.user ?? "—"],
          ["pass", s.pass ? maskSecret(s.pass) : "—"],
          ["from", s.from],
          ["to", s.to.join(", ")],
        ];
    }
  })();
  return {
    id: s.id,
    type: s.type,
    enabled: s.enabled,
    minSeverity: s.min_severity,
    ratePerHour: s.rate_per_hour,
    fields,
  };
}

export function canSeeAlerts(scope: ConsoleScope): boolean {
  return scope.appkeys === null;
}

export async function loadAlertsPage(ctx: AppContext, pageNo: number): Promise<AlertsPageModel> {
  const settings = alertSettings(ctx.config);
  const { total } = await ctx.repos.consoleOps.alertHistoryPage({ limit: 0, offset: 0 });
  const pages = Math.max(1, Math.ceil(total / ALERTS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(pageNo) || 1), pages);
  const { rows } = await ctx.repos.consoleOps.alertHistoryPage({
    limit: ALERTS_PAGE_SIZE,
    offset: (page - 1) * ALERTS_PAGE_SIZE,
  });
  return {
    sinks: settings.sinks.map(sinkView),
    quietHours: settings.quiet_hours ?? null,
    triggers: settings.triggers,
    history: rows,
    page,
    pages,
    total,
  };
}

/**
 * "Send a test alert" to one sink: queued in the outbox like every alert (the delivery loop sends it on its own
 * slots), audited; the page then shows the delivery's answer. A disabled or unknown sink is "not_found".
 */
export async function testAlertFromConsole(
  ctx: AppContext,
  scope: ConsoleScope,
  sinkId: string,
): Promise<ActionResult<"queued"> & { alertId?: number }> {
  if (!canSeeAlerts(scope)) return { outcome: "forbidden" };
  const sink = alertSettings(ctx.config).sinks.find((s) => s.id === sinkId && s.enabled);
  if (!sink) return { outcome: "not_found" };
  const alertId = await sendTestAlert(ctx, sink.id);
  await ctx.repos.consoleAudit.insertAuditEntry({
    at: ctx.now(),
    user_name: scope.userName,
    action: "test_alert",
    appkey: null,
    order_id: null,
    payment_id: null,
    reason: null,
    detail: `test alert #${alertId} to ${sink.id} (${sink.type})`,
  });
  return { outcome: "queued", alertId };
}
