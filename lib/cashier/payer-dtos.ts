import { publicOrderViewSchema } from "@/lib/orders/public-order-view";
import * as w from "@/lib/wire-shape";

/**
 * The payer edge's wire format: every JSON body the payer routes (lib/http/payer-routes.ts, the sandbox button) send,
 * and the one merchant answer the page reads (the `nosign` status query). The server builds its answers to these
 * types; the page's script parses what it receives with the same schemas instead of casting. Shapes from
 * lib/wire-shape.ts (zod's API, a fraction of its weight) and no server-only: this file ships in the page's bundle.
 */

/** The header a page action carries its session nonce in (lib/session/cashier-session.ts checks it). */
export const CSRF_HEADER = "x-paydesk-csrf";

/** Every payer-route failure, whatever the route: `{error: {code, message}}` with a matching HTTP status. */
export const PAYER_ERROR_CODES = [
  "not_found",
  "session_required",
  "cross_origin",
  "bad_request",
  "not_sandbox",
  "rejected",
  "too_large",
  "rate_limited",
  "internal",
] as const;
export type PayerErrorCode = (typeof PAYER_ERROR_CODES)[number];

export const payerErrorSchema = w.object({
  error: w.object({ code: w.enumOf(PAYER_ERROR_CODES), message: w.string() }),
});
export type PayerErrorBody = w.Infer<typeof payerErrorSchema>;

/** `POST /pay/{id}/session`: the CSRF nonce the page sends back in the `x-paydesk-csrf` header. */
export const sessionResponseSchema = w.object({ token: w.string() });
export type SessionResponse = w.Infer<typeof sessionResponseSchema>;

/** `POST /pay/{id}/check` ("I have paid"): the public view, fresh. */
export const checkResponseSchema = w.object({ data: publicOrderViewSchema });
export type CheckResponse = w.Infer<typeof checkResponseSchema>;

/** `POST /api/sandbox/pay` body, JSON or form: the order whose sandbox payment to simulate. */
export const sandboxPayRequestSchema = w.object({ order_id: w.string({ min: 1, max: 64 }) });

/** `POST /api/sandbox/pay` success: the sandbox notification was sent and acknowledged. */
export const sandboxPayResponseSchema = w.object({ data: w.object({ result: w.literal("sent") }) });
export type SandboxPayResponse = w.Infer<typeof sandboxPayResponseSchema>;

/**
 * The `sign=nosign` merchant query the page polls (docs/protocols/cloudpay.md#status-query, the `{code, msg, time,
 * data}` envelope): code 100 carries the public view.
 */
export const statusQueryResponseSchema = w.object({
  code: w.number(),
  msg: w.string(),
  data: w.optional(publicOrderViewSchema),
});
