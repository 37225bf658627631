import { getAppContext } from "@/lib/context";
import { demoReceipts } from "@/lib/demo/demo-shop";

/** What the demo shop received for one order (the e2e test and the return page read it). */
export async function GET(request: Request): Promise<Response> {
  const orderId = new URL(request.url).searchParams.get("order_id") ?? "";
  return Response.json({ receipts: await demoReceipts(await getAppContext(), orderId) }, { headers: { "Cache-Control": "no-store" } });
}
