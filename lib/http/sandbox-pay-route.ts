import "server-only";
import { sandboxPayRequestSchema, type PayerErrorCode, type SandboxPayResponse } from "@/lib/cashier/payer-dtos";
import { simulateSandboxPayment, type SandboxPayResult } from "@/lib/orders/sandbox-pay";
import type { AppContext } from "@/lib/context";
import { PayerError, payerJson, requireOrderToken, type PayerRoute } from "./payer-handler";
import { BodyTimeout, BodyTooLarge, readBodyText } from "./read-body";

const FAILURES: Record<Exclude<SandboxPayResult, "sent">, { code: PayerErrorCode; message: string }> = {
  not_found: { code: "not_found", message: "order not found" },
  not_sandbox: { code: "not_sandbox", message: "not a sandbox order" },
  rejected: { code: "rejected", message: "the sandbox notification was not accepted" },
};

/** The order id from a JSON or form body. */
async function readOrderId(ctx: AppContext, request: Request): Promise<string> {
  let raw: string;
  try {
    raw = await readBodyText(request, ctx.config.limits.max_body_bytes);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new PayerError("too_large", "body too large");
    if (err instanceof BodyTimeout) throw new PayerError("bad_request", "body too slow");
    throw err;
  }
  let fields: unknown;
  if ((request.headers.get("content-type") ?? "").includes("json")) {
    try {
      fields = JSON.parse(raw || "{}");
    } catch {
      throw new PayerError("bad_request", "malformed JSON body");
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(raw));
  }
  const parsed = sandboxPayRequestSchema.safeParse(fields);
  if (!parsed.success) throw new PayerError("bad_request", "order_id required");
  return parsed.data.order_id;
}

/**
 * `POST /api/sandbox/pay` with `order_id`. Cross-site posts are refused (Origin must be Paydesk's own), and the
 * request must carry the page token of THAT order (lib/session), so another site cannot press the button for a payer
 * and a token from one order's page cannot pay another order. Malformed input is a 400, never a 500.
 */
export const sandboxPayRoute: PayerRoute = {
  options: { sameOrigin: true },
  async run({ request, ctx }) {
    const orderId = await readOrderId(ctx, request);
    await requireOrderToken(ctx, request, orderId);
    const result = await simulateSandboxPayment(ctx, orderId);
    if (result !== "sent") throw new PayerError(FAILURES[result].code, FAILURES[result].message);
    const body: SandboxPayResponse = { data: { result } };
    return payerJson(body);
  },
};
