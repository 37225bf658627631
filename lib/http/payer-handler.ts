import "server-only";
import type { PayerErrorBody, PayerErrorCode } from "@/lib/cashier/payer-dtos";
import { getAppContext, getLogger, type AppContext } from "@/lib/context";
import { verifyNonce } from "@/lib/session/cashier-session";

const STATUS: Record<PayerErrorCode, number> = {
  not_found: 404,
  session_required: 403,
  cross_origin: 403,
  bad_request: 400,
  not_sandbox: 403,
  rejected: 409,
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
  return Response.json(body, { status: STATUS[code], headers: { "Cache-Control": "no-store" } });
}

/** A JSON answer typed by its DTO (lib/cashier/payer-dtos.ts), never cached. */
export function payerJson<T>(body: T, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("Cache-Control", "no-store");
  return Response.json(body, { headers: h });
}

export interface PayerRouteOptions {
  /** A page action: the request must carry the payer's session nonce (lib/session), or it is refused. */
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
      if (options.sameOrigin) {
        const origin = request.headers.get("origin");
        if (origin && origin !== new URL(ctx.config.baseUrl).origin && origin !== new URL(request.url).origin) {
          throw new PayerError("cross_origin", "cross-origin request");
        }
      }
      if (options.nonce && !(await verifyNonce(request, ctx.config.sessionSecret))) {
        throw new PayerError("session_required", "session required");
      }
      // Next.js passes a dynamic route's params; a static route (P = no params) may get none.
      const params = next ? await next.params : ({} as P);
      return await route.run({ request, ctx, params });
    } catch (err) {
      if (err instanceof PayerError) return payerErrorResponse(err.code, err.message);
      (ctx?.log ?? getLogger()).error({ err, url: request.url }, "payer request failed");
      return payerErrorResponse("internal", "internal error");
    }
  };
}
