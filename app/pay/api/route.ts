import { ORDER_ID_PATTERN } from "@/lib/ids";

/** `/pay/api?id=…`: the seed platform's URL shape, sent on to the cashier page. */
export function GET(request: Request): Response {
  const url = new URL(request.url);
  const id = url.searchParams.get("id") ?? "";
  if (!ORDER_ID_PATTERN.test(id)) return new Response("not found", { status: 404 });
  return Response.redirect(new URL(`/pay/${id}`, url), 302);
}
