import { getAppContext } from "@/lib/context";
import { reconciledOrderView } from "@/lib/orders/order-views";
import { verifyNonce } from "@/lib/session/cashier-session";

/**
 * `POST /pay/{id}/check`: the "I have paid" button. Needs the session nonce (a page action); answers the public view at
 * once, so the payer does not wait for the next poll. This is the explicit reconciliation step: a queryable provider is
 * asked about a pending order (within the once-per-10-s budget per order) before the view is answered.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const ctx = await getAppContext();
  if (!(await verifyNonce(request, ctx.config.sessionSecret)))
    return Response.json({ error: "session required" }, { status: 403 });
  const view = await reconciledOrderView(ctx, id);
  if (!view) return Response.json({ error: "not found" }, { status: 404 });
  return Response.json({ data: view }, { headers: { "Cache-Control": "no-store" } });
}
