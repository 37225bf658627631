import "server-only";
import { DEFAULT_LIMITS } from "@/lib/config/limits";
import { getAppContext, getLogger, type AppContext } from "@/lib/app-context";
import { envelope, CloudpayCode, CloudpayError, CLOUDPAY_MESSAGES } from "@/lib/merchant-api/cloudpay/cloudpay-codes";
import { abuseLimiters, consume, isOver, requestIp, RETRY_AFTER_SECONDS } from "./abuse-limits";
import { jsonAnswer } from "./json-answer";
import { BodyTimeout, BodyTooLarge, readBodyText } from "./read-body";

/** The envelope message of an HTTP 429 (code 199, the catch-all of docs/protocols/cloudpay.md#status-codes). */
export const TOO_MANY_MESSAGE = "请求过于频繁";

/**
 * Thrown when the request itself cannot be read; answered as code 105 like any missing parameter on the 云端 API, and
 * with its message on the epay and V免签 APIs (which share readParams).
 */
export class UnreadableRequest extends CloudpayError {
  constructor(detail: string) {
    super(CloudpayCode.PARAM_MISSING, detail);
  }
}

/**
 * Reads merchant parameters from the query string and a form or JSON body, as strings exactly as sent (the
 * signature covers them as received). JSON numbers become their JavaScript spelling; nested values are refused.
 */
export async function readParams(
  request: Request,
  maxBytes = DEFAULT_LIMITS.max_body_bytes,
): Promise<Record<string, string>> {
  const params: Record<string, string> = Object.fromEntries(new URL(request.url).searchParams);
  if (request.method === "GET" || request.method === "HEAD") return params;
  // Throws BodyTooLarge (answered 413) before or while reading: the limit is in bytes, not characters.
  const raw = await readBodyText(request, maxBytes);
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

function json(body: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return jsonAnswer(body, { status, headers: { "Cache-Control": "no-store", ...extra } });
}

function tooMany(): Response {
  return json(envelope(CloudpayCode.UNKNOWN, TOO_MANY_MESSAGE, Date.now()), 429, {
    "Retry-After": RETRY_AFTER_SECONDS,
  });
}

/**
 * The one wrapper every merchant-API route uses: reads parameters, runs the domain function, and maps the outcome to
 * the `{code, msg, time, data}` envelope. Known failures carry their code (docs/protocols/cloudpay.md#status-codes); anything unexpected is logged and
 * answered 199 without a stack trace. HTTP status is always 200 (docs/protocols/cloudpay.md#envelope).
 */
export function merchantHandler<T>(
  run: (ctx: AppContext, params: Record<string, string>, request: Request) => Promise<T>,
  contextFactory: () => Promise<AppContext> = getAppContext,
): (request: Request) => Promise<Response> {
  return async (request) => {
    let ctx: AppContext | undefined;
    let params: Record<string, string> = {};
    try {
      ctx = await contextFactory();
      const limiters = abuseLimiters(ctx);
      const ip = requestIp(ctx, request);
      // An IP that keeps sending wrong signatures is refused before its body is even read.
      if (await isOver(limiters.failedSignIp, ip)) return tooMany();
      params = await readParams(request, ctx.config.limits.max_body_bytes);
      // `sign=nosign` is the payer's status poll: a payer endpoint, limited per IP like the page.
      if (params.sign === "nosign" && !(await consume(limiters.payerIp, ip))) return tooMany();
      const data = await run(ctx, params, request);
      return json(envelope(CloudpayCode.OK, CLOUDPAY_MESSAGES[CloudpayCode.OK], Date.now(), data));
    } catch (err) {
      if (err instanceof BodyTooLarge)
        return json(
          envelope(
            CloudpayCode.PARAM_MISSING,
            `${CLOUDPAY_MESSAGES[CloudpayCode.PARAM_MISSING]}: body too large`,
            Date.now(),
          ),
          413,
        );
      if (err instanceof BodyTimeout)
        return json(
          envelope(
            CloudpayCode.PARAM_MISSING,
            `${CLOUDPAY_MESSAGES[CloudpayCode.PARAM_MISSING]}: body too slow`,
            Date.now(),
          ),
          408,
        );
      if (err instanceof CloudpayError) {
        if (err.code === CloudpayCode.SIGN_INVALID && ctx && (await overFailedSignBudget(ctx, request, params.appkey)))
          return tooMany();
        return json(envelope(err.code, err.message, Date.now()));
      }
      // Path only: the query string carries `sign` and the payer's `custom`, which do not belong in logs.
      (ctx?.log ?? getLogger()).error(
        { err, method: request.method, path: new URL(request.url).pathname },
        "merchant API request failed",
      );
      return json(envelope(CloudpayCode.UNKNOWN, CLOUDPAY_MESSAGES[CloudpayCode.UNKNOWN], Date.now()));
    }
  };
}

/**
 * Counts a wrong signature against the IP and the appkey. Over the IP's budget, that IP is refused outright for the
 * window; over the appkey's, further wrong signatures for it get 429 (right ones still pass: an attacker who knows a
 * shop's public appkey must not be able to lock the shop out).
 */
async function overFailedSignBudget(ctx: AppContext, request: Request, appkey: string | undefined): Promise<boolean> {
  const limiters = abuseLimiters(ctx);
  const ipOk = await consume(limiters.failedSignIp, requestIp(ctx, request));
  const keyOk = appkey ? await consume(limiters.failedSignAppkey, appkey) : true;
  if (!keyOk) ctx.log.warn({ appkey }, "wrong-signature budget of an appkey exhausted");
  return !ipOk || !keyOk;
}
