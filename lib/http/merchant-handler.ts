import "server-only";
import { getAppContext, getLogger, type AppContext } from "@/lib/context";
import { envelope, MerchantCode, MerchantError, MERCHANT_MESSAGES } from "@/lib/merchant-protocol/codes";

const MAX_BODY_BYTES = 64 * 1024;

/** Thrown when the request itself cannot be read; answered as code 105 like any missing parameter. */
class UnreadableRequest extends MerchantError {
  constructor(detail: string) {
    super(MerchantCode.PARAM_MISSING, detail);
  }
}

/**
 * Reads merchant parameters from the query string and a form or JSON body, as strings exactly as sent (the
 * signature covers them as received). JSON numbers become their JavaScript spelling; nested values are refused.
 */
export async function readParams(request: Request): Promise<Record<string, string>> {
  const params: Record<string, string> = Object.fromEntries(new URL(request.url).searchParams);
  if (request.method === "GET" || request.method === "HEAD") return params;
  const raw = await request.text();
  if (raw.length > MAX_BODY_BYTES) throw new UnreadableRequest("body too large");
  if (!raw.trim()) return params;
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.includes("application/json") || /^\s*\{/.test(raw)) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new UnreadableRequest("malformed JSON body");
    }
    if (typeof json !== "object" || json === null || Array.isArray(json))
      throw new UnreadableRequest("JSON body must be an object");
    for (const [k, v] of Object.entries(json)) {
      if (v === null || v === undefined) continue;
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") params[k] = String(v);
      else throw new UnreadableRequest(`${k} must be a string`);
    }
    return params;
  }
  for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
  return params;
}

function json(body: unknown): Response {
  return Response.json(body, { status: 200, headers: { "Cache-Control": "no-store" } });
}

/**
 * The one wrapper every merchant-API route uses: reads parameters, runs the domain function, and maps the outcome to
 * the `{code, msg, time, data}` envelope. Known failures carry their seed code; anything unexpected is logged and
 * answered 199 without a stack trace. HTTP status is always 200 (PROTOCOLS §1.1).
 */
export function merchantHandler<T>(
  run: (ctx: AppContext, params: Record<string, string>, request: Request) => Promise<T>,
  contextFactory: () => Promise<AppContext> = getAppContext,
): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      const params = await readParams(request);
      const ctx = await contextFactory();
      const data = await run(ctx, params, request);
      return json(envelope(MerchantCode.OK, MERCHANT_MESSAGES[MerchantCode.OK], Date.now(), data));
    } catch (err) {
      if (err instanceof MerchantError) return json(envelope(err.code, err.message, Date.now()));
      getLogger().error({ err, url: request.url }, "merchant API request failed");
      return json(envelope(MerchantCode.UNKNOWN, MERCHANT_MESSAGES[MerchantCode.UNKNOWN], Date.now()));
    }
  };
}
