import "server-only";
import { getAppContext } from "@/lib/app-context";
import { liveOrdersFor } from "@/lib/events/live-orders";

/** Liveness plus database reachability, for load balancers and uptime checks; `held_polls` = cashier pages waiting now. */
export async function healthResponse(): Promise<Response> {
  try {
    const ctx = await getAppContext();
    await ctx.repos.health.ping();
    const body = {
      status: "ok",
      database: "ok",
      held_polls: liveOrdersFor(ctx).waiting,
      time: Math.floor(Date.now() / 1000),
    };
    return Response.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json(
      { status: "error", database: "unreachable" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
