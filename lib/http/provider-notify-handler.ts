import "server-only";
import { getAppContext, getLogger, type AppContext } from "@/lib/context";
import { ingestNotify } from "@/lib/orders/provider-notify";

const MAX_NOTIFY_BYTES = 64 * 1024;

/**
 * `/api/notify/{channel}`: hands the raw request to the channel's provider and answers with that provider's own
 * ack. A browser that lands here (some providers reuse the notify URL as a return URL) is sent to the cashier page.
 */
export async function handleNotify(
  request: Request,
  channelId: string,
  contextFactory: () => Promise<AppContext> = getAppContext,
): Promise<Response> {
  try {
    const rawBody = request.method === "GET" ? "" : await request.text();
    if (rawBody.length > MAX_NOTIFY_BYTES) return new Response("fail", { status: 413 });
    const ctx = await contextFactory();
    const result = await ingestNotify(ctx, channelId, {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      rawBody,
    });
    switch (result.kind) {
      case "unknown_channel":
        return new Response("unknown channel", { status: 404 });
      case "redirect":
        return Response.redirect(new URL(result.orderId ? `/pay/${result.orderId}` : "/", ctx.config.baseUrl), 303);
      case "ack":
        return new Response(result.ack.body, {
          status: result.ack.status,
          headers: {
            "Content-Type": result.ack.contentType ?? "text/plain; charset=utf-8",
            "Cache-Control": "no-store",
          },
        });
    }
  } catch (err) {
    getLogger().error({ err, channelId }, "notify handling failed");
    // No provider-specific ack is known here; a 500 makes every provider retry later.
    return new Response("error", { status: 500 });
  }
}
