import "server-only";
import { timingSafeEqual } from "node:crypto";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { metrics } from "@/lib/metrics";

function tokenMatches(header: string | null, token: string): boolean {
  const sent = Buffer.from(header?.replace(/^Bearer\s+/i, "") ?? "");
  const want = Buffer.from(token);
  return sent.length === want.length && timingSafeEqual(sent, want);
}

/**
 * `GET /api/metrics`: Prometheus text format. Off (404, as if absent) unless PAYDESK_METRICS_TOKEN is set; then it
 * needs `Authorization: Bearer <token>`. Gauges that are facts of the database or the breaker are read here.
 */
export async function handleMetrics(
  request: Request,
  contextFactory: () => Promise<AppContext> = getAppContext,
): Promise<Response> {
  const ctx = await contextFactory();
  const token = ctx.config.metricsToken;
  if (!token) return new Response("not found", { status: 404 });
  if (!tokenMatches(request.headers.get("authorization"), token)) {
    return new Response("unauthorized", {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="paydesk-metrics"' },
    });
  }
  const m = metrics();
  m.notificationQueue.set(await ctx.repos.notifications.countUndeliveredNotifications());
  const breaker = channelBreaker();
  const now = ctx.now();
  for (const c of ctx.config.channels) m.breakerOpen.set({ channel: c.id }, breaker.isOpen(c.id, now) ? 1 : 0);
  return new Response(await m.registry.metrics(), {
    headers: { "Content-Type": m.registry.contentType, "Cache-Control": "no-store" },
  });
}
