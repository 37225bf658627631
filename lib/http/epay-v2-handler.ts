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
import { countWrongSignature } from "./abuse-limits";
import { bodyFailureMessage, epayErrorPage, epayRoute, epayTooMany, errorPageStatus } from "./epay-handler";
import { readParams, TOO_MANY_MESSAGE, UnreadableRequest } from "./merchant-handler";

type Handler = (request: Request) => Promise<Response>;
type ContextFactory = () => Promise<AppContext>;

/** The failure a caller may see: ours for known failures, a generic one otherwise (logged, never a stack trace). */
function failureOf(err: unknown, url: string): { code: number; msg: string } {
  if (err instanceof EpayV2Error) return epayV2Failure(err);
  if (err instanceof UnreadableRequest) return { code: EPAY_V2_FAIL, msg: err.message };
  const body = bodyFailureMessage(err);
  if (body) return { code: EPAY_V2_FAIL, msg: body };
  getLogger().error({ err, path: new URL(url).pathname }, "epay V2 request failed");
  return { code: EPAY_V2_FAIL, msg: "系统繁忙，请稍后重试" };
}

function json(body: unknown): Response {
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
}

const tooMany = (page: boolean) => epayTooMany(page, { code: EPAY_V2_FAIL, msg: TOO_MANY_MESSAGE });

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
  return epayRoute(
    {
      tooMany: () => tooMany(false),
      read(request, ctx) {
        if (request.method !== "POST") throw new EpayV2Error("未传入任何参数", EPAY_V2_NO_PARAMS);
        return readParams(request, ctx.config.limits.max_body_bytes);
      },
      answer: async (ctx, params) => json(await epayV2Api(ctx, action, params)),
      overWrongSignatures,
      fail: (err, request) => json(failureOf(err, request.url)),
    },
    contextFactory,
  );
}

/** `GET|POST /api/pay/submit`: creates (or finds) the order and sends the payer's browser to its cashier page. */
export function epayV2SubmitHandler(contextFactory: ContextFactory = getAppContext): Handler {
  return epayRoute(
    {
      tooMany: () => tooMany(true),
      async answer(ctx, params) {
        const location = await epayV2Submit(ctx, params);
        return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });
      },
      overWrongSignatures,
      fail(err, request) {
        const known = err instanceof EpayV2Error || err instanceof UnreadableRequest;
        return epayErrorPage(failureOf(err, request.url).msg, errorPageStatus(err, known));
      },
    },
    contextFactory,
  );
}
