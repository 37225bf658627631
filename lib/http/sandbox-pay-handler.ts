import "server-only";
import { getAppContext, getLogger } from "@/lib/context";
import { simulateSandboxPayment } from "@/lib/orders/sandbox-pay";
import { verifyNonce } from "@/lib/session/cashier-session";

const STATUS: Record<string, number> = { sent: 200, not_found: 404, not_sandbox: 403, rejected: 409 };

/**
 * `POST /api/sandbox/pay` with `order_id`. Cross-site posts are refused (Origin must be Paydesk's own), and the
 * request must carry the payer's session nonce (lib/session), so another site cannot press the button for a payer.
 */
export async function handleSandboxPay(request: Request): Promise<Response> {
  try {
    const ctx = await getAppContext();
    const origin = request.headers.get("origin");
    if (origin && origin !== new URL(ctx.config.baseUrl).origin && origin !== new URL(request.url).origin) {
      return Response.json({ ok: false, error: "cross-origin" }, { status: 403 });
    }
    if (!(await verifyNonce(request, ctx.config.sessionSecret))) {
      return Response.json({ ok: false, error: "session required" }, { status: 403 });
    }
    const raw = await request.text();
    const contentType = request.headers.get("content-type") ?? "";
    let orderId: string | undefined;
    if (contentType.includes("json")) {
      const parsed: unknown = JSON.parse(raw || "{}");
      if (parsed && typeof parsed === "object" && "order_id" in parsed && typeof parsed.order_id === "string")
        orderId = parsed.order_id;
    } else {
      orderId = new URLSearchParams(raw).get("order_id") ?? undefined;
    }
    if (!orderId) return Response.json({ ok: false, error: "order_id required" }, { status: 400 });
    const result = await simulateSandboxPayment(ctx, orderId);
    return Response.json({ ok: result === "sent", result }, { status: STATUS[result] ?? 500 });
  } catch (err) {
    getLogger().error({ err }, "sandbox pay failed");
    return Response.json({ ok: false, error: "internal" }, { status: 500 });
  }
}
