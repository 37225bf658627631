import "server-only";
import { findEpayMerchant } from "@/lib/config/find";
import { getAppContext, getLogger, type AppContext } from "@/lib/context";
import { epayApi, mapiAnswer } from "@/lib/merchant-api/epay/epay-api";
import { EPAY_BAD_SIGN, EpayError, epayFailure } from "@/lib/merchant-api/epay/epay-codes";
import { keysEqual } from "@/lib/merchant-api/epay/epay-sign";
import { createEpayOrder, createEpayPageOrder } from "@/lib/merchant-api/epay/epay-create";
import { countWrongSignature, RETRY_AFTER_SECONDS, signaturesRefused } from "./abuse-limits";
import { readParams, TOO_MANY_MESSAGE, UnreadableRequest } from "./merchant-handler";
import { BodyTimeout, BodyTooLarge } from "./read-body";

type Handler = (request: Request) => Promise<Response>;
type ContextFactory = () => Promise<AppContext>;

/** The message a caller may see: ours for known failures, a generic one otherwise (logged, never a stack trace). */
function publicMessage(err: unknown, url: string): string {
  if (err instanceof EpayError || err instanceof UnreadableRequest) return err.message;
  if (err instanceof BodyTooLarge) return "请求过大";
  if (err instanceof BodyTimeout) return "请求超时";
  // The path only: epay's query string carries `sign` and the shop's `param`.
  getLogger().error({ err, path: new URL(url).pathname }, "epay request failed");
  return "系统繁忙，请稍后重试";
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** submit.php's error page: the payer's browser landed here, so a readable Chinese page, not JSON. */
export function epayErrorPage(message: string, status: number): Response {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>支付请求有误</title></head>
<body style="margin:0;font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;background:#f3f4f6;color:#111827">
<main style="max-width:28rem;margin:12vh auto;background:#fff;border-radius:1rem;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.1)">
<h1 style="font-size:1.25rem;margin:0 0 1rem">无法发起支付</h1>
<p data-testid="epay-error" style="margin:0 0 1rem;color:#b91c1c">${escapeHtml(message)}</p>
<p style="margin:0;color:#4b5563;font-size:.875rem">请返回商户页面重新下单；如已付款，请联系商户处理。</p>
</main></body></html>`;
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

function json(body: unknown): Response {
  return Response.json(body, { status: 200, headers: { "Cache-Control": "no-store" } });
}

/** An IP or merchant over its wrong-signature budget (abuse-limits.ts): HTTP 429, epay's failure shape. */
function tooMany(page: boolean): Response {
  const res = page
    ? epayErrorPage(TOO_MANY_MESSAGE, 429)
    : Response.json(epayFailure(TOO_MANY_MESSAGE), { status: 429, headers: { "Cache-Control": "no-store" } });
  res.headers.set("Retry-After", RETRY_AFTER_SECONDS);
  return res;
}

/**
 * Counts a failed epay request against the wrong-signature limits when it failed on its credentials: a wrong `sign`
 * (with everything protocol/epay answers as EPAY_BAD_SIGN: a re-split, a signature Paydesk issued, one already used),
 * or api.php's wrong `key`. True once the IP or the merchant is over its budget.
 */
async function overWrongSignatures(
  ctx: AppContext | undefined,
  request: Request,
  params: Record<string, string>,
  err: unknown,
  plainKey: boolean,
): Promise<boolean> {
  if (!ctx || !(err instanceof EpayError)) return false;
  const merchant = params.pid ? findEpayMerchant(ctx.config, params.pid) : undefined;
  const wrong = plainKey
    ? !merchant?.epay || !keysEqual(merchant.epay.key, params.key ?? "")
    : err.message.startsWith(EPAY_BAD_SIGN);
  return wrong && (await countWrongSignature(ctx, request, merchant?.appkey));
}

/** `GET|POST /submit.php`: creates (or finds) the order and sends the browser to its cashier page. */
export function epaySubmitHandler(contextFactory: ContextFactory = getAppContext): Handler {
  return async (request) => {
    let ctx: AppContext | undefined;
    let params: Record<string, string> = {};
    try {
      ctx = await contextFactory();
      if (await signaturesRefused(ctx, request)) return tooMany(true);
      params = await readParams(request, ctx.config.limits.max_body_bytes);
      const { order, failedType } = await createEpayPageOrder(ctx, params);
      // No channel could make the code: the cashier shows the payer a retry, the other wallets and the way back.
      const failed = failedType ? `?choice=failed&failed=${failedType}` : "";
      return new Response(null, {
        status: 302,
        headers: { Location: `${ctx.config.baseUrl}/pay/${order.id}${failed}`, "Cache-Control": "no-store" },
      });
    } catch (err) {
      if (await overWrongSignatures(ctx, request, params, err, false)) return tooMany(true);
      const known = err instanceof EpayError || err instanceof UnreadableRequest;
      const status = err instanceof BodyTooLarge ? 413 : err instanceof BodyTimeout ? 408 : known ? 400 : 500;
      return epayErrorPage(publicMessage(err, request.url), status);
    }
  };
}

/** `POST /mapi.php`: the same order, answered as JSON with integer `code` 1. */
export function epayMapiHandler(contextFactory: ContextFactory = getAppContext): Handler {
  return async (request) => {
    let ctx: AppContext | undefined;
    let params: Record<string, string> = {};
    try {
      ctx = await contextFactory();
      if (await signaturesRefused(ctx, request)) return tooMany(false);
      params = await readParams(request, ctx.config.limits.max_body_bytes);
      return json(mapiAnswer(ctx, await createEpayOrder(ctx, params)));
    } catch (err) {
      if (await overWrongSignatures(ctx, request, params, err, false)) return tooMany(false);
      return json(epayFailure(publicMessage(err, request.url)));
    }
  };
}

/** `GET|POST /api.php?act=…`: order query, merchant info, refund (refused). */
export function epayApiHandler(contextFactory: ContextFactory = getAppContext): Handler {
  return async (request) => {
    let ctx: AppContext | undefined;
    let params: Record<string, string> = {};
    try {
      ctx = await contextFactory();
      if (await signaturesRefused(ctx, request)) return tooMany(false);
      params = await readParams(request, ctx.config.limits.max_body_bytes);
      return json(await epayApi(ctx, params));
    } catch (err) {
      // api.php authenticates with the plain key: a wrong one is this endpoint's wrong signature.
      if (await overWrongSignatures(ctx, request, params, err, true)) return tooMany(false);
      return json(epayFailure(publicMessage(err, request.url)));
    }
  };
}
