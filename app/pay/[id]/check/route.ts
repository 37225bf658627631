import { getAppContext } from "@/lib/context";
import { payerRateLimit } from "@/lib/http/abuse-limits";
import { publicOrderView } from "@/lib/orders/order-views";
import { verifyNonce } from "@/lib/session/cashier-session";

/**
 * `POST /pay/{id}/check`: the "I have paid" button. Needs the session nonce (a page action); answers the public view at
 * once, so the payer does not wait for the next poll. Like every public view it may ask a queryable provider about a
 * pending order (publicOrderView → reconcile), within the same once-per-10-s budget per order.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const ctx = await getAppContext();
  const limited = await payerRateLimit(ctx, request);
  if (limited) return limited;
  if (!(await verifyNonce(request, ctx.config.sessionSecret, id))) return Response.json({ error: "session required" }, { status: 403 });
  const view = await publicOrderView(ctx, id);
  if (!view) return Response.json({ error: "not found" }, { status: 404 });
  return Response.json({ data: view }, { headers: { "Cache-Control": "no-store" } });
}
