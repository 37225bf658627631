import "server-only";
import { findEpayMerchant } from "@/lib/config/find";
import { getAppContext, getLogger, type AppContext } from "@/lib/app-context";
import { epayApi, mapiAnswer } from "@/lib/merchant-api/epay/epay-api";
import { EPAY_BAD_SIGN, EpayError, epayFailure } from "@/lib/merchant-api/epay/epay-codes";
import { keysEqual } from "@/lib/merchant-api/epay/epay-sign";
import { createEpayOrder, createEpayPageOrder } from "@/lib/merchant-api/epay/epay-create";
import { countWrongSignature, RETRY_AFTER_SECONDS, signaturesRefused } from "./abuse-limits";
import { readParams, TOO_MANY_MESSAGE, UnreadableRequest } from "./merchant-handler";
import { jsonAnswer } from "./json-answer";
import { BodyTimeout, BodyTooLarge } from "./read-body";
import { payerNoticeHtml, safeShopUrl, type NoticeAction } from "@/lib/cashier/payer-notice-html";
import { epayErrorFor } from "@/lib/merchant-api/epay/epay-order-errors";
import { messagesFor, resolveLocale } from "@/lib/i18n/locale";
import { OrderError } from "@/lib/orders/order-errors";

type Handler = (request: Request) => Promise<Response>;
type ContextFactory = () => Promise<AppContext>;

/** The words for a request body Paydesk would not finish reading (read-body.ts), the same in every epay flavour. */
export function bodyFailureMessage(err: unknown): string | undefined {
  if (err instanceof BodyTooLarge) return "请求过大";
  if (err instanceof BodyTimeout) return "请求超时";
  return undefined;
}

/** The HTTP status of a payer's error page: the body's own failure, else 400 for a refusal we know, else 500. */
export function errorPageStatus(err: unknown, known: boolean): number {
  return err instanceof BodyTooLarge ? 413 : err instanceof BodyTimeout ? 408 : known ? 400 : 500;
}

/** One epay-family endpoint (submit.php, mapi.php, api.php and their V2 counterparts), as epayRoute runs it. */
export interface EpayRoute {
  /** The answer to an IP or merchant over its wrong-signature budget (HTTP 429). */
  tooMany(): Response;
  /** The request's fields; by default readParams under the body limit. */
  read?(request: Request, ctx: AppContext): Promise<Record<string, string>>;
  answer(ctx: AppContext, params: Record<string, string>, request: Request): Promise<Response>;
  /** True once this failure, counted against the wrong-signature limits, has put the IP or merchant over budget. */
  overWrongSignatures(
    ctx: AppContext | undefined,
    request: Request,
    params: Record<string, string>,
    err: unknown,
  ): Promise<boolean>;
  /** The answer to any other failure (`ctx` is unset when the context itself failed). */
  fail(err: unknown, request: Request, ctx: AppContext | undefined, params: Record<string, string>): Response;
}

/**
 * The order every epay-family request runs in: an IP or merchant already over its wrong-signature budget is refused
 * before its body is read; a failure counts against that budget first, so the request that crosses it is answered 429.
 */
export function epayRoute(route: EpayRoute, contextFactory: ContextFactory): Handler {
  return async (request) => {
    let ctx: AppContext | undefined;
    let params: Record<string, string> = {};
    try {
      ctx = await contextFactory();
      if (await signaturesRefused(ctx, request)) return route.tooMany();
      params = route.read
        ? await route.read(request, ctx)
        : await readParams(request, ctx.config.limits.max_body_bytes);
      return await route.answer(ctx, params, request);
    } catch (err) {
      if (await route.overWrongSignatures(ctx, request, params, err)) return route.tooMany();
      return route.fail(err, request, ctx, params);
    }
  };
}

/** The message a caller may see: ours for known failures, a generic one otherwise (logged, never a stack trace). */
function publicMessage(err: unknown, url: string): string {
  if (err instanceof EpayError || err instanceof UnreadableRequest) return err.message;
  const body = bodyFailureMessage(err);
  if (body) return body;
  // The path only: epay's query string carries `sign` and the shop's `param`.
  getLogger().error({ err, path: new URL(url).pathname }, "epay request failed");
  return "系统繁忙，请稍后重试";
}

/** submit.php's error page: the payer's browser landed here, so a readable page in the cashier's look, not JSON. */
export function epayErrorPage(message: string, status: number): Response {
  const html = payerNoticeHtml({
    lang: "zh-CN",
    title: "无法发起支付",
    body: "请返回商户页面重新下单；如已付款，请联系商户处理。",
    detail: message,
    tone: "notice",
    summary: null,
    actions: [],
  });
  return htmlResponse(html, status);
}

function htmlResponse(html: string, status: number): Response {
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** The epay answers that mean "no channel can make a code now" (resting, full, upstream down): the payer's dead end. */
const NO_CODE_ANSWERS = (["channel-unavailable", "channels-full", "upstream-failed"] as const).map(
  (kind) => epayErrorFor(new OrderError(kind)).message,
);

/**
 * Every channel of every wallet is resting or failing, so not even the wallet chooser can be offered: the payer gets
 * the cashier's dead end in their words (nothing internal: the reason is logged), a retry of the same request and the
 * way back to the shop (the merchant's timeout URL, else the site of the return URL, as the cashier's own dead end).
 */
function noCodePage(ctx: AppContext, request: Request, params: Record<string, string>, err: EpayError): Response {
  getLogger().warn({ reason: err.message, pid: params.pid }, "submit.php: no channel can make a code");
  const locale = resolveLocale(null, request.headers.get("accept-language"));
  const m = messagesFor(locale);
  const merchant = params.pid ? findEpayMerchant(ctx.config, params.pid) : undefined;
  const shopUrl = safeShopUrl(params.return_url) ?? safeShopUrl(merchant?.return_url);
  const back = safeShopUrl(merchant?.timeout_url) ?? (shopUrl ? new URL(shopUrl).origin : null);
  const url = new URL(request.url);
  const retry: NoticeAction =
    request.method === "POST"
      ? {
          kind: "repost",
          label: m.deadEndReload,
          action: url.pathname,
          fields: params,
          testId: "dead-end-retry",
          primary: true,
        }
      : {
          kind: "link",
          label: m.deadEndReload,
          href: url.pathname + url.search,
          testId: "dead-end-retry",
          primary: true,
        };
  const actions: NoticeAction[] = [retry];
  if (back)
    actions.push({ kind: "link", label: m.backToShop, href: back, testId: "back-to-shop", primary: false, top: true });
  return htmlResponse(
    payerNoticeHtml({
      lang: locale,
      title: m.deadEndTitle,
      body: m.deadEndNoWallet,
      detail: null,
      tone: "warning",
      // The request's signature was checked before any channel was asked: these are the shop's own words.
      summary:
        merchant && params.money
          ? { merchant: merchant.name, product: params.name ?? "", amountLabel: m.amountLabel, amount: params.money }
          : null,
      actions,
    }),
    503,
  );
}

function json(body: unknown): Response {
  return jsonAnswer(body, { status: 200, headers: { "Cache-Control": "no-store" } });
}

/**
 * An IP or merchant over its wrong-signature budget (abuse-limits.ts): HTTP 429 with Retry-After, as the payer's
 * error page or as the flavour's JSON `failure`.
 */
export function epayTooMany(page: boolean, failure: unknown): Response {
  const res = page
    ? epayErrorPage(TOO_MANY_MESSAGE, 429)
    : Response.json(failure, { status: 429, headers: { "Cache-Control": "no-store" } });
  res.headers.set("Retry-After", RETRY_AFTER_SECONDS);
  return res;
}

const tooMany = (page: boolean) => epayTooMany(page, epayFailure(TOO_MANY_MESSAGE));

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
  return epayRoute(
    {
      tooMany: () => tooMany(true),
      async answer(ctx, params) {
        const { order, failedType } = await createEpayPageOrder(ctx, params);
        // No channel could make the code: the cashier shows the payer a retry, the other wallets and the way back.
        const failed = failedType ? `?choice=failed&failed=${failedType}` : "";
        return new Response(null, {
          status: 302,
          headers: { Location: `${ctx.config.baseUrl}/pay/${order.id}${failed}`, "Cache-Control": "no-store" },
        });
      },
      overWrongSignatures: (ctx, request, params, err) => overWrongSignatures(ctx, request, params, err, false),
      fail(err, request, ctx, params) {
        if (ctx && err instanceof EpayError && NO_CODE_ANSWERS.some((a) => err.message.startsWith(a))) {
          return noCodePage(ctx, request, params, err);
        }
        const known = err instanceof EpayError || err instanceof UnreadableRequest;
        return epayErrorPage(publicMessage(err, request.url), errorPageStatus(err, known));
      },
    },
    contextFactory,
  );
}

/** `POST /mapi.php`: the same order, answered as JSON with integer `code` 1. */
export function epayMapiHandler(contextFactory: ContextFactory = getAppContext): Handler {
  return epayRoute(
    {
      tooMany: () => tooMany(false),
      answer: async (ctx, params) => json(mapiAnswer(ctx, await createEpayOrder(ctx, params))),
      overWrongSignatures: (ctx, request, params, err) => overWrongSignatures(ctx, request, params, err, false),
      fail: (err, request) => json(epayFailure(publicMessage(err, request.url))),
    },
    contextFactory,
  );
}

/** `GET|POST /api.php?act=…`: order query, order list, merchant info, refund (POST only). */
export function epayApiHandler(contextFactory: ContextFactory = getAppContext): Handler {
  return epayRoute(
    {
      tooMany: () => tooMany(false),
      answer: async (ctx, params, request) => json(await epayApi(ctx, params, request.method)),
      // api.php authenticates with the plain key: a wrong one is this endpoint's wrong signature.
      overWrongSignatures: (ctx, request, params, err) => overWrongSignatures(ctx, request, params, err, true),
      fail: (err, request) => json(epayFailure(publicMessage(err, request.url))),
    },
    contextFactory,
  );
}
