import "server-only";
import type { AppContext } from "@/lib/context";
import { ORDER_ID_PATTERN } from "@/lib/ids";

/**
 * `/pay/api?id=…`: the seed platform's URL shape, sent on to the cashier page on Paydesk's PUBLIC origin
 * (PAYDESK_BASE_URL): behind a reverse proxy the request URL is the internal `http://localhost:PORT/…`.
 */
export function payAliasRedirect(ctx: Pick<AppContext, "config">, request: Request): Response {
  const id = new URL(request.url).searchParams.get("id") ?? "";
  if (!ORDER_ID_PATTERN.test(id)) return new Response("not found", { status: 404 });
  return Response.redirect(`${ctx.config.baseUrl}/pay/${id}`, 302);
}
