import "server-only";
import { getAppContext } from "@/lib/context";

/** Liveness plus database reachability, for load balancers and uptime checks. */
export async function healthResponse(): Promise<Response> {
  try {
    const ctx = await getAppContext();
    await ctx.repos.health.ping();
    return Response.json(
      { status: "ok", database: "ok", time: Math.floor(Date.now() / 1000) },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch {
    return Response.json(
      { status: "error", database: "unreachable" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
