import "server-only";
import type { PayerErrorBody, PayerErrorCode } from "@/lib/cashier/payer-dtos";
import { getAppContext, getLogger, type AppContext } from "@/lib/app-context";
import { verifyNonce } from "@/lib/session/cashier-session";
import { abuseLimiters, consume, requestIp, RETRY_AFTER_SECONDS } from "./abuse-limits";

const STATUS: Record<PayerErrorCode, number> = {
  not_found: 404,
  session_required: 403,
  cross_origin: 403,
  bad_request: 400,
  not_sandbox: 403,
  rejected: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
};

/** A known payer-route failure: thrown anywhere under `payerHandler`, answered as `{error: {code, message}}`. */
export class PayerError extends Error {
  constructor(
    readonly code: PayerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function payerErrorResponse(code: PayerErrorCode, message: string): Response {
  const body: PayerErrorBody = { error: { code, message } };
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (code === "rate_limited") headers["Retry-After"] = RETRY_AFTER_SECONDS;
  return Response.json(body, { status: STATUS[code], headers });
}

/** Payer endpoints (the cashier page in proxy.ts, and every payer route): one point per request per client IP. */
export async function payerRateLimit(ctx: AppContext, request: Request): Promise<Response | null> {
  if (await consume(abuseLimiters(ctx).payerIp, requestIp(ctx, request))) return null;
  return payerErrorResponse("rate_limited", "请求过于频繁");
}

/** A page action's check: the session's token for THIS order (a token from another order's page does not work). */
export async function requireOrderToken(ctx: AppContext, request: Request, orderId: string): Promise<void> {
  if (!(await verifyNonce(request, ctx.config.sessionSecret, orderId)))
    throw new PayerError("session_required", "session required");
}

/** A JSON answer typed by its DTO (lib/cashier/payer-dtos.ts), never cached. */
export function payerJson<T>(body: T, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("Cache-Control", "no-store");
  return Response.json(body, { headers: h });
}

export interface PayerRouteOptions {
  /** A page action on `/pay/{id}/…`: the request must carry the session's token for that order (lib/session). */
  nonce?: boolean;
  /** Refuse a browser POST whose Origin is another site's (the nonce already stops forgeries; this answers early). */
  sameOrigin?: boolean;
}

/** What a payer route's body receives: the request, the context and the route's decoded `params`. */
export interface PayerRequest<P> {
  request: Request;
  ctx: AppContext;
  params: P;
}

/** One payer endpoint: its body and its checks. `payerHandler` turns it into a route handler. */
export interface PayerRoute<P = Record<string, never>> {
  run(r: PayerRequest<P>): Promise<Response>;
  options?: PayerRouteOptions;
}

/**
 * The one wrapper every payer route uses (the cashier's own endpoints, beside `merchantHandler` for the merchant
 * API): builds the context, applies the route's checks, runs the body, and maps every failure to one error shape,
 * `{error: {code, message}}`. A `PayerError` carries its code; anything unexpected is logged and answered
 * `internal` without details.
 */
export function payerHandler<P>(
  route: PayerRoute<P>,
  contextFactory: () => Promise<AppContext> = getAppContext,
): (request: Request, next?: { params: Promise<P> }) => Promise<Response> {
  const options = route.options ?? {};
  return async (request, next) => {
    let ctx: AppContext | undefined;
    try {
      ctx = await contextFactory();
      const limited = await payerRateLimit(ctx, request);
      if (limited) return limited;
      if (options.sameOrigin) {
        const origin = request.headers.get("origin");
        if (origin && origin !== new URL(ctx.config.baseUrl).origin && origin !== new URL(request.url).origin) {
          throw new PayerError("cross_origin", "cross-origin request");
        }
      }
      // Next.js passes a dynamic route's params; a static route (P = no params) may get none.
      const params = next ? await next.params : ({} as P);
      if (options.nonce) await requireOrderToken(ctx, request, (params as { id?: string }).id ?? "");
      return await route.run({ request, ctx, params });
    } catch (err) {
      if (err instanceof PayerError) return payerErrorResponse(err.code, err.message);
      // The path only: a query string is the payer's, not the log's.
      (ctx?.log ?? getLogger()).error(
        { err, method: request.method, path: new URL(request.url).pathname },
        "payer request failed",
      );
      return payerErrorResponse("internal", "internal error");
    }
  };
}
