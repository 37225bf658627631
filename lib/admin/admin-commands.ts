import "server-only";
import type { AppContext } from "@/lib/context";
import { findAccount } from "@/lib/console/accounts";
import { formatYuan } from "@/lib/money";
import { platformPublicKeyText } from "@/lib/merchant-api/epay-v2/epay-v2-platform-key";

/**
 * The operator's few commands (scripts/admin.ts): payments kept for review, a delivery's attempt log, resending a
 * notification whose retries were exhausted, and ending a console user's sessions. Each returns printable lines.
 */
export async function reviewPayments(ctx: AppContext, limit = 50): Promise<string[]> {
  const rows = await ctx.repos.payments.listPaymentsForReview(limit);
  if (rows.length === 0) return ["no payments waiting for review"];
  return rows.map(
    (p) =>
      `${new Date(p.received_at).toISOString()}  ${p.status.padEnd(10)} ${(p.reason ?? "").padEnd(16)} ${formatYuan(p.amount_fen).padStart(10)}  channel=${p.channel_id} trade_no=${p.trade_no} order=${p.order_id ?? "-"}`,
  );
}

export async function notificationLog(ctx: AppContext, orderId: string): Promise<string[]> {
  const n = await ctx.repos.notifications.findNotificationByOrder(orderId);
  if (!n) return [`no notification for order ${orderId}`];
  const lines = [
    `${orderId}: ${n.status}, ${n.attempts} attempt(s), next ${new Date(n.next_attempt_at).toISOString()} → ${n.url}`,
  ];
  for (const a of await ctx.repos.notifications.listAttempts(n.id)) {
    lines.push(
      `  #${a.attempt_no} ${new Date(a.started_at).toISOString()} ${a.outcome} http=${a.http_status ?? "-"} ${a.error ?? JSON.stringify(a.response_body ?? "")}`,
    );
  }
  return lines;
}

export async function resend(ctx: AppContext, orderId: string): Promise<string[]> {
  const ok = await ctx.repos.notifications.resendNotification(orderId, ctx.now());
  // On PostgreSQL this wakes a running instance's dispatcher; on SQLite (another process) its safety net finds it.
  if (ok) await ctx.events.publish({ type: "notification.due", orderId });
  return [
    ok
      ? `${orderId}: queued again with a fresh retry schedule`
      : `${orderId}: nothing to resend (no failed notification)`,
  ];
}

/**
 * Ends every console session of one user at once, on every instance (a leaked cookie, a colleague who left: disable
 * them on the console's users page, or remove or re-hash a file account in the config, or they can log in again).
 */
export async function logoutUser(ctx: AppContext, name: string): Promise<string[]> {
  const ended = await ctx.repos.consoleSessions.revokeUserSessions(name);
  if (!(await findAccount(ctx, name))) {
    return [`no console user "${name}" in the config or the database (sessions ended: ${ended})`];
  }
  await ctx.repos.consoleAudit.insertAuditEntry({
    at: ctx.now(),
    user_name: name,
    action: "logout",
    appkey: null,
    order_id: null,
    payment_id: null,
    reason: null,
    detail: `${ended} session(s) ended by npm run admin -- logout-user`,
  });
  return [`${name}: ${ended} console session(s) ended`];
}

/**
 * The 彩虹易支付 V2 platform public key, for the shop's "平台公钥" setting (docs/protocols/epay-v2.md#platform-key):
 * the one line of base64 most V2 plugins take, then the PEM. Generates the key when there is none yet.
 */
export function epayV2PublicKey(): string[] {
  const { base64, pem } = platformPublicKeyText();
  return [base64, "", pem.trimEnd()];
}
