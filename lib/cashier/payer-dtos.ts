import * as z from "zod/mini";
import { publicOrderViewSchema } from "@/lib/orders/public-order-view";

/**
 * The payer edge's wire format: every JSON body the payer routes (lib/http/payer-routes.ts, the sandbox button) send,
 * and the one merchant answer the page reads (the `nosign` status query). The server builds its answers to these
 * types; the page's script parses what it receives with the same schemas instead of casting. zod/mini and no
 * server-only: this file ships in the page's bundle.
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

export const payerErrorSchema = z.object({
  error: z.object({ code: z.enum(PAYER_ERROR_CODES), message: z.string() }),
});
export type PayerErrorBody = z.infer<typeof payerErrorSchema>;

/** `POST /pay/{id}/session`: the CSRF nonce the page sends back in the `x-paydesk-csrf` header. */
export const sessionResponseSchema = z.object({ token: z.string() });
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/** `POST /pay/{id}/check` ("I have paid"): the public view, fresh. */
export const checkResponseSchema = z.object({ data: publicOrderViewSchema });
export type CheckResponse = z.infer<typeof checkResponseSchema>;

/** `POST /api/sandbox/pay` body, JSON or form: the order whose sandbox payment to simulate. */
export const sandboxPayRequestSchema = z.object({ order_id: z.string().check(z.minLength(1), z.maxLength(64)) });

/** `POST /api/sandbox/pay` success: the sandbox notification was sent and acknowledged. */
export const sandboxPayResponseSchema = z.object({ data: z.object({ result: z.literal("sent") }) });
export type SandboxPayResponse = z.infer<typeof sandboxPayResponseSchema>;

/**
 * The `sign=nosign` merchant query the page polls (PROTOCOLS §1, the `{code, msg, time, data}` envelope): code 100
 * carries the public view.
 */
export const statusQueryResponseSchema = z.object({
  code: z.number(),
  msg: z.string(),
  data: z.optional(publicOrderViewSchema),
});
