import { getAppContext } from "@/lib/context";
import { demoReceipts } from "@/lib/demo/demo-shop";

/** What the demo shop received for one order (the e2e tests and the return page read it). */
export async function GET(request: Request): Promise<Response> {
  const ctx = await getAppContext();
  if (!ctx.config.demoShop) return new Response("not found", { status: 404 });
  const orderId = new URL(request.url).searchParams.get("order_id") ?? "";
  return Response.json({ receipts: await demoReceipts(ctx, orderId) }, { headers: { "Cache-Control": "no-store" } });
}
