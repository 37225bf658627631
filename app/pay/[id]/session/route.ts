import { getAppContext } from "@/lib/context";
import { findLiveOrder } from "@/lib/orders/order-views";
import { issueNonce } from "@/lib/session/cashier-session";

/**
 * `POST /pay/{id}/session[?framed=1]`: seals the payer's CSRF nonce into the session cookie and returns it to the
 * page's script (cookies can only be set from a route handler, not while the page renders).
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const ctx = await getAppContext();
  if (!(await findLiveOrder(ctx, id))) return Response.json({ error: "not found" }, { status: 404 });
  const response = Response.json({}, { headers: { "Cache-Control": "no-store" } });
  const token = await issueNonce(request, response, {
    secret: ctx.config.sessionSecret,
    framed: new URL(request.url).searchParams.get("framed") === "1",
    https: ctx.config.baseUrl.startsWith("https:"),
  });
  return Response.json({ token }, { headers: response.headers });
}
