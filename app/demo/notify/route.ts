import { getAppContext } from "@/lib/context";
import { receiveDemoNotify } from "@/lib/demo/demo-shop";

/** The demo shop's notify_url: answers `success` only for a correctly signed notification. */
export async function POST(request: Request): Promise<Response> {
  const ctx = await getAppContext();
  if (!ctx.config.demoShop) return new Response("not found", { status: 404 });
  const shop = new URL(request.url).searchParams.get("shop") ?? undefined;
  const answer = await receiveDemoNotify(ctx, await request.text(), shop);
  return new Response(answer, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
