import "server-only";
import { getAppContext, getLogger, type AppContext } from "@/lib/app-context";
import { ingestNotify, retryAckFor } from "@/lib/orders/provider-notify";
import type { ProviderAck } from "@/lib/providers/types";
import { abuseLimiters, consume, isOver, requestIp, RETRY_AFTER_SECONDS } from "./abuse-limits";
import { BodyTimeout, BodyTooLarge, readBodyText } from "./read-body";

function ackResponse(ack: ProviderAck, status = ack.status, extra: Record<string, string> = {}): Response {
  return new Response(ack.body, {
    status,
    headers: { "Content-Type": ack.contentType ?? "text/plain; charset=utf-8", "Cache-Control": "no-store", ...extra },
  });
}

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
    const ctx = await contextFactory();
    const limiters = abuseLimiters(ctx);
    const ip = requestIp(ctx, request);
    const retry = retryAckFor(ctx, channelId);
    // A sender of many forged notifies gets the provider's own "retry later" (a real provider would come back).
    if (retry && (await isOver(limiters.rejectedNotifyIp, ip)))
      return ackResponse(retry, 429, { "Retry-After": RETRY_AFTER_SECONDS });
    let rawBody = "";
    try {
      rawBody = request.method === "GET" ? "" : await readBodyText(request, ctx.config.limits.max_body_bytes);
    } catch (err) {
      if (err instanceof BodyTooLarge)
        return retry ? ackResponse(retry, 413) : new Response("too large", { status: 413 });
      // A body dripped past its deadline: the provider's own "retry later" (a real one resends at its pace).
      if (err instanceof BodyTimeout)
        return retry ? ackResponse(retry, 408) : new Response("request body too slow", { status: 408 });
      throw err;
    }
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
        if (result.rejected) await consume(limiters.rejectedNotifyIp, ip);
        return ackResponse(result.ack);
    }
  } catch (err) {
    getLogger().error({ err, channelId }, "notify handling failed");
    // No provider-specific ack is known here; a 500 makes every provider retry later.
    return new Response("error", { status: 500 });
  }
}
