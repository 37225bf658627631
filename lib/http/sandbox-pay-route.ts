import "server-only";
import { sandboxPayRequestSchema, type PayerErrorCode, type SandboxPayResponse } from "@/lib/cashier/payer-dtos";
import { simulateSandboxPayment, type SandboxPayResult } from "@/lib/orders/sandbox-pay";
import { PayerError, payerJson, type PayerRoute } from "./payer-handler";

const FAILURES: Record<Exclude<SandboxPayResult, "sent">, { code: PayerErrorCode; message: string }> = {
  not_found: { code: "not_found", message: "order not found" },
  not_sandbox: { code: "not_sandbox", message: "not a sandbox order" },
  rejected: { code: "rejected", message: "the sandbox notification was not accepted" },
};

/** The order id from a JSON or form body. */
async function readOrderId(request: Request): Promise<string> {
  const raw = await request.text();
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
 * request must carry the payer's session nonce (lib/session), so another site cannot press the button for a payer.
 */
export const sandboxPayRoute: PayerRoute = {
  options: { sameOrigin: true, nonce: true },
  async run({ request, ctx }) {
    const result = await simulateSandboxPayment(ctx, await readOrderId(request));
    if (result !== "sent") throw new PayerError(FAILURES[result].code, FAILURES[result].message);
    const body: SandboxPayResponse = { data: { result } };
    return payerJson(body);
  },
};
