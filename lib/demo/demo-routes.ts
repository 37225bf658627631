import "server-only";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { demoReceipts, receiveDemoNotify } from "./demo-shop";

type ContextFactory = () => Promise<AppContext>;

/** Both demo routes exist only while the demo shop is on (`demoShop`); otherwise they answer as if absent. */
const notFound = () => new Response("not found", { status: 404 });

/** `GET /demo/api/receipts?order_id=…`: what the demo shop received for one order (e2e tests and its return page). */
export function demoReceiptsRoute(contextFactory: ContextFactory = getAppContext) {
  return async (request: Request): Promise<Response> => {
    const ctx = await contextFactory();
    if (!ctx.config.demoShop) return notFound();
    const orderId = new URL(request.url).searchParams.get("order_id") ?? "";
    return Response.json({ receipts: await demoReceipts(ctx, orderId) }, { headers: { "Cache-Control": "no-store" } });
  };
}

/** `POST /demo/notify`: the demo shop's notify_url, answering `success` only for a correctly signed notification. */
export function demoNotifyRoute(contextFactory: ContextFactory = getAppContext) {
  return async (request: Request): Promise<Response> => {
    const ctx = await contextFactory();
    if (!ctx.config.demoShop) return notFound();
    const shop = new URL(request.url).searchParams.get("shop") ?? undefined;
    const answer = await receiveDemoNotify(ctx, await request.text(), shop);
    return new Response(answer, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
  };
}
