import "server-only";
import { z } from "zod";
import { getAppContext, getLogger, type AppContext } from "@/lib/context";
import { simulateSandboxPayment } from "@/lib/orders/sandbox-pay";
import { verifyNonce } from "@/lib/session/cashier-session";
import { payerRateLimit } from "./abuse-limits";
import { BodyTooLarge, readBodyText } from "./read-body";

const STATUS: Record<string, number> = { sent: 200, not_found: 404, not_sandbox: 403, rejected: 409 };

const bodySchema = z.object({ order_id: z.string().min(1).max(64) });

function answer(status: number, body: Record<string, unknown>): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

/** The order id from a JSON or form body; null when the body is not one of those or names no order. */
function orderIdFrom(raw: string, contentType: string): string | null {
  let fields: unknown;
  if (contentType.includes("json")) {
    try {
      fields = JSON.parse(raw || "{}");
    } catch {
      return null;
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(raw));
  }
  const parsed = bodySchema.safeParse(fields);
  return parsed.success ? parsed.data.order_id : null;
}

/**
 * `POST /api/sandbox/pay` with `order_id`. Cross-site posts are refused (Origin must be Paydesk's own), and the
 * request must carry the page token of THAT order (lib/session), so another site cannot press the button for a payer
 * and a token from one page cannot pay another order. Malformed input is a 400, never a 500.
 */
export async function handleSandboxPay(request: Request, contextFactory: () => Promise<AppContext> = getAppContext): Promise<Response> {
  try {
    const ctx = await contextFactory();
    const limited = await payerRateLimit(ctx, request);
    if (limited) return limited;
    const origin = request.headers.get("origin");
    if (origin && origin !== new URL(ctx.config.baseUrl).origin && origin !== new URL(request.url).origin) {
      return answer(403, { ok: false, error: "cross-origin" });
    }
    let raw: string;
    try {
      raw = await readBodyText(request, ctx.config.limits.max_body_bytes);
    } catch (err) {
      if (err instanceof BodyTooLarge) return answer(413, { ok: false, error: "body too large" });
      throw err;
    }
    const orderId = orderIdFrom(raw, request.headers.get("content-type") ?? "");
    if (!orderId) return answer(400, { ok: false, error: "order_id required" });
    if (!(await verifyNonce(request, ctx.config.sessionSecret, orderId))) return answer(403, { ok: false, error: "session required" });
    const result = await simulateSandboxPayment(ctx, orderId);
    return answer(STATUS[result] ?? 500, { ok: result === "sent", result });
  } catch (err) {
    getLogger().error({ err: { message: (err as Error).message } }, "sandbox pay failed");
    return answer(500, { ok: false, error: "internal" });
  }
}
