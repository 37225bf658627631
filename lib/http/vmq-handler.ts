import "server-only";
import { findMerchant } from "@/lib/config/find";
import { getAppContext, getLogger, type AppContext } from "@/lib/app-context";
import { checkVmqOrder, closeVmqOrder, getVmqOrder, getVmqState, vmqOrderData } from "@/lib/merchant-api/vmq/vmq-api";
import { createVmqOrder, vmqMerchant } from "@/lib/merchant-api/vmq/vmq-create";
import { VMQ_BAD_SIGN, vmqFail, vmqOk, VmqError } from "@/lib/merchant-api/vmq/vmq-merchant-wire";
import { countWrongSignature, RETRY_AFTER_SECONDS, signaturesRefused } from "./abuse-limits";
import { readParams, TOO_MANY_MESSAGE, UnreadableRequest } from "./merchant-handler";
import { jsonAnswer } from "./json-answer";
import { BodyTimeout, BodyTooLarge } from "./read-body";

type Params = Record<string, string>;

function json(body: unknown): Response {
  return jsonAnswer(body, { status: 200, headers: { "Cache-Control": "no-store" } });
}

const ACTIONS: Record<string, (ctx: AppContext, appkey: string, params: Params) => Promise<Response>> = {
  async createOrder(ctx, appkey, params) {
    const order = await createVmqOrder(ctx, appkey, params);
    // isHtml=1: the shop sends its payer here expecting a payment page; Paydesk's is the cashier.
    if (params.isHtml === "1") {
      return new Response(null, {
        status: 302,
        headers: { Location: `${ctx.config.baseUrl}/pay/${order.id}`, "Cache-Control": "no-store" },
      });
    }
    return json(vmqOk(vmqOrderData(ctx, order, vmqMerchant(ctx, appkey).order_ttl_seconds)));
  },
  getOrder: async (ctx, appkey, params) => json(vmqOk(await getVmqOrder(ctx, appkey, params))),
  checkOrder: async (ctx, appkey, params) => json(vmqOk(await checkVmqOrder(ctx, appkey, params))),
  closeOrder: async (ctx, appkey, params) => json(vmqOk(await closeVmqOrder(ctx, appkey, params))),
  getState: async (ctx, appkey, params) => json(vmqOk(await getVmqState(ctx, appkey, params))),
};

/**
 * `/vmq/{appkey}/{action}`, any method (docs/protocols/vmq.md): a shop built for V免签 sets `{base}/vmq/{appkey}` as its
 * V免签 host. Answers `{code, msg, data}` with HTTP 200; a failure is code -1 with a Chinese message, never a trace.
 */
export async function handleVmqApi(
  request: Request,
  appkey: string,
  action: string,
  contextFactory: () => Promise<AppContext> = getAppContext,
): Promise<Response> {
  const run = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (!run) return json(vmqFail("未知接口"));
  // The wrong-signature limits (abuse-limits.ts): createOrder, closeOrder and getState are signed; an IP over its
  // budget is refused every action, as on the 云端 API.
  const tooMany = () =>
    Response.json(vmqFail(TOO_MANY_MESSAGE), {
      status: 429,
      headers: { "Cache-Control": "no-store", "Retry-After": RETRY_AFTER_SECONDS },
    });
  let ctx: AppContext | undefined;
  try {
    ctx = await contextFactory();
    if (await signaturesRefused(ctx, request)) return tooMany();
    const params = await readParams(request, ctx.config.limits.max_body_bytes);
    return await run(ctx, appkey, params);
  } catch (err) {
    if (ctx && err instanceof VmqError && err.message === VMQ_BAD_SIGN) {
      const known = findMerchant(ctx.config, appkey) ? appkey : undefined;
      if (await countWrongSignature(ctx, request, known)) return tooMany();
    }
    if (err instanceof VmqError || err instanceof UnreadableRequest) return json(vmqFail(err.message));
    if (err instanceof BodyTooLarge) return Response.json(vmqFail("请求过大"), { status: 413 });
    if (err instanceof BodyTimeout) return Response.json(vmqFail("请求超时"), { status: 408 });
    // The path only: V免签's query string carries `sign` and the shop's `param`.
    getLogger().error({ err, path: new URL(request.url).pathname }, "vmq merchant API request failed");
    return json(vmqFail("系统繁忙，请稍后重试"));
  }
}
