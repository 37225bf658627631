import "server-only";
import { getAppContext, getLogger, type AppContext } from "@/lib/app-context";
import { findEpayV2Merchant } from "@/lib/merchant-api/epay-v2/epay-v2-auth";
import { epayV2Api, type EpayV2Action } from "@/lib/merchant-api/epay-v2/epay-v2-api";
import { epayV2Submit } from "@/lib/merchant-api/epay-v2/epay-v2-create";
import {
  EPAY_V2_BAD_SIGN,
  EPAY_V2_FAIL,
  EPAY_V2_NO_PARAMS,
  EpayV2Error,
  epayV2Failure,
} from "@/lib/merchant-api/epay-v2/epay-v2-codes";
import { countWrongSignature, RETRY_AFTER_SECONDS, signaturesRefused } from "./abuse-limits";
import { epayErrorPage } from "./epay-handler";
import { readParams, TOO_MANY_MESSAGE, UnreadableRequest } from "./merchant-handler";
import { BodyTimeout, BodyTooLarge } from "./read-body";

type Handler = (request: Request) => Promise<Response>;
type ContextFactory = () => Promise<AppContext>;

/** The failure a caller may see: ours for known failures, a generic one otherwise (logged, never a stack trace). */
function failureOf(err: unknown, url: string): { code: number; msg: string } {
  if (err instanceof EpayV2Error) return epayV2Failure(err);
  if (err instanceof UnreadableRequest) return { code: EPAY_V2_FAIL, msg: err.message };
  if (err instanceof BodyTooLarge) return { code: EPAY_V2_FAIL, msg: "请求过大" };
  if (err instanceof BodyTimeout) return { code: EPAY_V2_FAIL, msg: "请求超时" };
  getLogger().error({ err, path: new URL(url).pathname }, "epay V2 request failed");
  return { code: EPAY_V2_FAIL, msg: "系统繁忙，请稍后重试" };
}

function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

function tooMany(page: boolean): Response {
  const res = page ? epayErrorPage(TOO_MANY_MESSAGE, 429) : json({ code: EPAY_V2_FAIL, msg: TOO_MANY_MESSAGE }, 429);
  res.headers.set("Retry-After", RETRY_AFTER_SECONDS);
  return res;
}

/** A refusal of the signature (code -3: type, timestamp, signature, replay) counts against the wrong-signature limits. */
async function overWrongSignatures(
  ctx: AppContext | undefined,
  request: Request,
  params: Record<string, string>,
  err: unknown,
): Promise<boolean> {
  if (!ctx || !(err instanceof EpayV2Error) || err.code !== EPAY_V2_BAD_SIGN) return false;
  const merchant = params.pid ? findEpayV2Merchant(ctx.config, params.pid) : undefined;
  return countWrongSignature(ctx, request, merchant?.appkey);
}

/**
 * `POST /api/pay/*` and `/api/merchant/*` (docs/protocols/epay-v2.md): form POST in, signed JSON out, HTTP 200.
 * The server reads these fields from the POST body only; anything else is its `-4 未传入任何参数`.
 */
export function epayV2ApiHandler(action: EpayV2Action, contextFactory: ContextFactory = getAppContext): Handler {
  return async (request) => {
    let ctx: AppContext | undefined;
    let params: Record<string, string> = {};
    try {
      ctx = await contextFactory();
      if (await signaturesRefused(ctx, request)) return tooMany(false);
      if (request.method !== "POST") throw new EpayV2Error("未传入任何参数", EPAY_V2_NO_PARAMS);
      params = await readParams(request, ctx.config.limits.max_body_bytes);
      return json(await epayV2Api(ctx, action, params));
    } catch (err) {
      if (await overWrongSignatures(ctx, request, params, err)) return tooMany(false);
      return json(failureOf(err, request.url));
    }
  };
}

/** `GET|POST /api/pay/submit`: creates (or finds) the order and sends the payer's browser to its cashier page. */
export function epayV2SubmitHandler(contextFactory: ContextFactory = getAppContext): Handler {
  return async (request) => {
    let ctx: AppContext | undefined;
    let params: Record<string, string> = {};
    try {
      ctx = await contextFactory();
      if (await signaturesRefused(ctx, request)) return tooMany(true);
      params = await readParams(request, ctx.config.limits.max_body_bytes);
      const location = await epayV2Submit(ctx, params);
      return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });
    } catch (err) {
      if (await overWrongSignatures(ctx, request, params, err)) return tooMany(true);
      const known = err instanceof EpayV2Error || err instanceof UnreadableRequest;
      const status = err instanceof BodyTooLarge ? 413 : err instanceof BodyTimeout ? 408 : known ? 400 : 500;
      return epayErrorPage(failureOf(err, request.url).msg, status);
    }
  };
}
