/** The fuzz suite's configuration and its route table (test/support/fuzz-harness.ts drives them). */
import { generateKeyPairSync } from "node:crypto";
import { configFileSchema } from "@/lib/config/schema";
import { loadCashierModel } from "@/lib/cashier/page-model";
import { epayApiHandler, epayMapiHandler, epaySubmitHandler } from "@/lib/http/epay-handler";
import { handleMetrics } from "@/lib/http/metrics-handler";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { payerHandler } from "@/lib/http/payer-handler";
import { checkRoute, payApiRoute, payloadPngRoute, payUrlPngRoute, sessionRoute } from "@/lib/http/payer-routes";
import { handleVmqMonitor } from "@/lib/http/monitor-handler";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { handleVmqApi } from "@/lib/http/vmq-handler";
import { epayV2ApiHandler, epayV2SubmitHandler } from "@/lib/http/epay-v2-handler";
import { EPAY_V2_ACTIONS, type EpayV2Action } from "@/lib/merchant-api/epay-v2/epay-v2-api";
import { sandboxPayRoute } from "@/lib/http/sandbox-pay-route";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { checkOrder, closeOrder, listRecords, queryOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";
import { queryRefundApi, refundOrderApi } from "@/lib/merchant-api/cloudpay/cloudpay-refund";
import { publicOrderView } from "@/lib/orders/order-views";
import type { TestContext } from "./test-context";
import { CONSOLE_ROUTES } from "./fuzz-console-routes";

export const FUZZ_SECRET = "fuzz-secret-long-enough-for-a-real-config";
export const FUZZ_MERCHANTS = ["f1", "f2"];

/** f1's V2 shop key (docs/protocols/epay-v2.md#credentials); its pid is f1's V1 pid, one of the fuzzer's known values. */
const FUZZ_V2_SHOP_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .publicKey.export({ type: "spki", format: "der" })
  .toString("base64");

// Every provider's notify endpoint is fuzzed; the upstream URLs point nowhere (a notify never calls upstream).
export const fuzzConfigFile = configFileSchema.parse({
  merchants: FUZZ_MERCHANTS.map((appkey, i) => ({
    appkey,
    appsecret: FUZZ_SECRET,
    name: appkey,
    notify_url: "http://127.0.0.1:9/notify",
    return_url: "https://shop.example/return",
    channels: i === 0 ? ["sandbox"] : ["gm", "pj", "jsj", "cp", "sw"],
    ...(i === 0
      ? {
          epay: { pid: "1000", key: "fuzz-epay-key-0123456789abcdefghijkl" },
          epay_v2: { pid: "1000", public_key: FUZZ_V2_SHOP_KEY, allowed_hosts: [] },
        }
      : {}),
  })),
  channels: [
    { id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay", "qqpay"], key: "fuzz-sandbox-key" },
    {
      id: "gm",
      provider: "gemafu",
      types: ["wxpay"],
      base_url: "http://127.0.0.1:9/gm",
      m_id: 1,
      secret_key: "gk",
      appname: "a",
    },
    { id: "pj", provider: "payjs", types: ["alipay"], base_url: "http://127.0.0.1:9/pj", mchid: "1", key: "pk" },
    { id: "jsj", provider: "jsj", types: ["qqpay"], base_url: "http://127.0.0.1:9/jsj", apiid: "1", apikey: "jk" },
    {
      id: "cp",
      provider: "cloudpay",
      types: ["alipay"],
      base_url: "http://127.0.0.1:9/cp",
      appkey: "c",
      appsecret: "cs",
    },
    {
      id: "sw",
      provider: "sanwang",
      types: ["wxpay"],
      key: "sk",
      return_flag: "#",
      monitor_url: "http://127.0.0.1:9/sw",
    },
    // A V免签 monitor-app channel: its app's heartbeat and push endpoints are fuzzed too.
    {
      id: "vq",
      provider: "vmq",
      types: ["wxpay", "alipay"],
      key: "fuzz-vmq-app-key",
      codes: { wxpay: "wxp://fuzz", alipay: "https://qr.alipay.com/fuzz" },
    },
  ],
  // Limits high enough that the fuzzer explores handlers rather than 429s (the limits have their own tests).
  limits: {
    payer_per_ip_per_minute: 1_000_000,
    failed_signs_per_ip_per_minute: 1_000_000,
    failed_signs_per_appkey_per_minute: 1_000_000,
    rejected_notifies_per_ip_per_minute: 1_000_000,
    rejected_notify_logs_per_minute: 0,
    log_sample_every: 1_000_000,
  },
});

export type Route = (ctx: TestContext, request: Request, segment: string) => Promise<Response>;

const json = (body: unknown) => Response.json(body);

/**
 * The V2 handler answers HTTP 200 `系统繁忙，请稍后重试` (and logs) for an error it did not expect, as the server answers
 * everything with 200: the fuzzer sees that answer as the 500 it stands for.
 */
async function unexpectedAs500(response: Response): Promise<Response> {
  const text = await response.clone().text();
  return text.includes("系统繁忙") ? new Response(text, { status: 500 }) : response;
}

/** `/api/pay/*` and `/api/merchant/*`, every signed V2 action (lib/merchant-api/epay-v2/epay-v2-api.ts). */
const EPAY_V2_ROUTES: Record<string, Route> = Object.fromEntries(
  (Object.keys(EPAY_V2_ACTIONS) as EpayV2Action[]).map((action) => [
    `/api/${action}`,
    async (ctx: TestContext, r: Request) =>
      unexpectedAs500(await epayV2ApiHandler(action, () => Promise.resolve(ctx))(r)),
  ]),
);

export const ROUTES: Record<string, Route> = {
  "/api/cloudpay/create": (ctx, r) => merchantHandler(createOrder, () => Promise.resolve(ctx))(r),
  "/api/cloudpay/query": (ctx, r) => merchantHandler(queryOrder, () => Promise.resolve(ctx))(r),
  "/api/cloudpay/records": (ctx, r) => merchantHandler(listRecords, () => Promise.resolve(ctx))(r),
  "/api/cloudpay/close": (ctx, r) => merchantHandler(closeOrder, () => Promise.resolve(ctx))(r),
  "/api/cloudpay/refund": (ctx, r) => merchantHandler(refundOrderApi, () => Promise.resolve(ctx))(r),
  "/api/cloudpay/refund/query": (ctx, r) => merchantHandler(queryRefundApi, () => Promise.resolve(ctx))(r),
  "/api/order/check": (ctx, r) => merchantHandler(checkOrder, () => Promise.resolve(ctx))(r),
  "/submit.php": (ctx, r) => epaySubmitHandler(() => Promise.resolve(ctx))(r),
  "/mapi.php": (ctx, r) => epayMapiHandler(() => Promise.resolve(ctx))(r),
  "/api.php": (ctx, r) => epayApiHandler(() => Promise.resolve(ctx))(r),
  ...EPAY_V2_ROUTES,
  "/api/pay/submit": (ctx, r) => epayV2SubmitHandler(() => Promise.resolve(ctx))(r),
  "/vmq/f1/{action}": (ctx, r, action) => handleVmqApi(r, "f1", action, () => Promise.resolve(ctx)),
  "/api/notify/{channel}": (ctx, r, channel) => handleNotify(r, channel, () => Promise.resolve(ctx)),
  "/api/sandbox/pay": (ctx, r) => payerHandler(sandboxPayRoute, () => Promise.resolve(ctx))(r),
  "/api/metrics": (ctx, r) =>
    handleMetrics(r, () =>
      Promise.resolve({ ...ctx, config: { ...ctx.config, metricsToken: "fuzz-metrics-token-1234" } }),
    ),
  "/pay/api": (ctx, r) => payerHandler(payApiRoute, () => Promise.resolve(ctx))(r),
  // The page and its JSON reads: the lib functions behind app/pay/[id] (page, check, qrcode, code).
  "/pay/{id}": async (ctx, r, id) =>
    json((await loadCashierModel(ctx, id, { userAgent: r.headers.get("user-agent") })) ?? null),
  "/pay/{id}/check": (ctx, r, id) =>
    payerHandler(checkRoute, () => Promise.resolve(ctx))(r, { params: Promise.resolve({ id }) }),
  "/pay/{id}/session": (ctx, r, id) =>
    payerHandler(sessionRoute, () => Promise.resolve(ctx))(r, { params: Promise.resolve({ id }) }),
  "/pay/{id}/code": (ctx, r, id) =>
    payerHandler(payloadPngRoute, () => Promise.resolve(ctx))(r, { params: Promise.resolve({ id }) }),
  "/pay/{id}/qrcode": (ctx, r, id) =>
    payerHandler(payUrlPngRoute, () => Promise.resolve(ctx))(r, { params: Promise.resolve({ id }) }),
  "/pay/{id}/view": async (ctx, _r, id) => json((await publicOrderView(ctx, id)) ?? null),
  // The V免签 monitor app's calls (app/api/vmq/[channel]/appHeart|appPush), on the vmq channel and on any channel.
  "/api/vmq/vq/appHeart": (ctx, r) => handleVmqMonitor(r, "vq", () => Promise.resolve(ctx)),
  "/api/vmq/vq/appPush": (ctx, r) => handleVmqMonitor(r, "vq", () => Promise.resolve(ctx)),
  "/api/vmq/{channel}/appPush": (ctx, r, channel) => handleVmqMonitor(r, channel, () => Promise.resolve(ctx)),
  // The merchant console, signed in (test/support/fuzz-console-routes.ts).
  ...CONSOLE_ROUTES,
};
