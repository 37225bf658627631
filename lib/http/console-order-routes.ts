import "server-only";
import { getAppContext, type AppContext } from "@/lib/app-context";
import { cleanReason, closeFromConsole, noteFromConsole } from "@/lib/console/console-actions";
import { refundFromConsole } from "@/lib/console/refund-actions";
import { backTo, consoleAction } from "./console-handler";

/**
 * The order page's operations (app/console/(app)/orders/[id]/{refund,close,note}/route.ts): form posts behind
 * `consoleAction` (same origin, live session, CSRF), each back to the order page with its outcome in `op`.
 */

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
};

/** The endpoints over one way of getting the context (the app's; tests pass their own). */
export function consoleOrderRoutes(getCtx: () => Promise<AppContext> = getAppContext) {
  const orderBack = (request: Request, orderId: string, op: Record<string, string>) =>
    backTo(request, `/console/orders/${encodeURIComponent(orderId)}`, op);

  const refundRoute = consoleAction(async ({ ctx, scope, form, request }) => {
    const orderId = field(form, "order_id");
    const r = await refundFromConsole(ctx, scope, {
      orderId,
      amountYuan: field(form, "amount"),
      reason: form.get("reason"),
      note: form.get("note"),
    });
    if (r.outcome === "forbidden") return text(403, "forbidden");
    if (r.outcome === "not_found") return text(404, "no such order");
    if (r.outcome === "refused") return orderBack(request, orderId, { op: "refund_refused", why: r.why });
    if (r.outcome === "done") return orderBack(request, orderId, { op: `refund_${r.status}` });
    return orderBack(request, orderId, { op: `refund_${r.outcome}` });
  }, getCtx);

  const closeRoute = consoleAction(async ({ ctx, scope, form, request }) => {
    const orderId = field(form, "order_id");
    const reason = cleanReason(form.get("reason"));
    if (!reason) return orderBack(request, orderId, { op: "reason_required" });
    const r = await closeFromConsole(ctx, scope, { orderId, reason });
    if (r.outcome === "forbidden") return text(403, "forbidden");
    if (r.outcome === "not_found") return text(404, "no such order");
    return orderBack(request, orderId, { op: r.outcome });
  }, getCtx);

  const noteRoute = consoleAction(async ({ ctx, scope, form, request }) => {
    const orderId = field(form, "order_id");
    const note = cleanReason(form.get("note"));
    if (!note) return orderBack(request, orderId, { op: "reason_required" });
    const r = await noteFromConsole(ctx, scope, { orderId, text: note });
    if (r.outcome === "forbidden") return text(403, "forbidden");
    if (r.outcome === "not_found") return text(404, "no such order");
    return orderBack(request, orderId, { op: "noted" });
  }, getCtx);

  return { refundRoute, closeRoute, noteRoute };
}

export const { refundRoute, closeRoute, noteRoute } = consoleOrderRoutes();
