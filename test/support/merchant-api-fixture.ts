import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { configFileSchema } from "@/lib/config/schema";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { UpstreamError, type PaymentProvider } from "@/lib/providers/types";
import type { DatabaseHandle } from "@/lib/storage/database";
import { signedCreateParams } from "./merchant-client";
import { openTestDatabase, testAppConfig, testContext, type TestContext, type TestDialect } from "./test-context";

const merchant = (appkey: string, extra: Record<string, unknown> = {}) => ({
  appkey,
  appsecret: "s1secret",
  name: `Shop ${appkey}`,
  notify_url: "https://shop.example/notify",
  return_url: "https://shop.example/return",
  channels: ["sandbox"],
  ...extra,
});

/** Merchants for every create outcome (appkey `k1` is the ordinary one; the others each break one rule). */
const file = configFileSchema.parse({
  merchants: [
    merchant("k1", { channels: ["sandbox", "small-wx"], disabled_types: [] }),
    merchant("k-noreturn", { return_url: undefined }),
    merchant("k-nonotify", { notify_url: undefined }),
    merchant("k-closed", { api_enabled: false }),
    merchant("k-noqq", { disabled_types: ["qqpay"] }),
    merchant("k-rules", { channels: ["small-wx"] }),
    merchant("k-quota", { daily_order_limit: 2 }),
    merchant("k-broken", { channels: ["broken"] }),
  ],
  channels: [
    { id: "sandbox", provider: "sandbox", types: ["alipay", "qqpay"] },
    { id: "small-wx", provider: "sandbox", types: ["wxpay"], rules: { max_price: "1.00" } },
    { id: "broken", provider: "sandbox", types: ["alipay"], timeout_ms: 300 },
  ],
});

export type Envelope = {
  code: number;
  msg: string;
  data?: Record<string, unknown> & { order_id?: string; pay_url?: string };
};

export interface MerchantApiFixture {
  /** A fresh context per test (its clock starts over), on a database shared by the suite. */
  ctx: TestContext;
  /** How the `broken` channel's provider fails: an upstream error, or no answer at all. */
  brokenMode: "error" | "hang";
  call(
    run: Parameters<typeof merchantHandler>[0],
    params: Record<string, string>,
    init?: { json?: boolean; method?: string },
  ): Promise<Envelope>;
  create(params: Record<string, string>, json?: boolean): Promise<Envelope>;
  signedFor(
    appkey: string,
    p: { price: string; type: string; out_order_id: string; custom?: string },
  ): Record<string, string>;
}

/**
 * The merchant API through `merchantHandler` on one dialect: registers the suite's hooks (call it inside a
 * `describe`) and returns helpers that read the current test's context.
 */
export function useMerchantApi(dialect: TestDialect): MerchantApiFixture {
  let db: DatabaseHandle;
  const f: MerchantApiFixture = {
    ctx: undefined as unknown as TestContext, // set by beforeEach before any test runs
    brokenMode: "error",
    async call(run, params, init = {}) {
      const handler = merchantHandler(run, () => Promise.resolve(f.ctx));
      const method = init.method ?? "POST";
      const request =
        method === "GET"
          ? new Request(`http://paydesk.test/api?${new URLSearchParams(params)}`)
          : new Request("http://paydesk.test/api", {
              method,
              headers: { "content-type": init.json ? "application/json" : "application/x-www-form-urlencoded" },
              body: init.json ? JSON.stringify(params) : new URLSearchParams(params),
            });
      const res = await handler(request);
      expect(res.status).toBe(200);
      return (await res.json()) as Envelope;
    },
    create: (params, json = false) => f.call(createOrder, params, { json }),
    signedFor: (appkey, p) => signedCreateParams(p, { appkey, appsecret: "s1secret" }),
  };

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
  });
  afterAll(() => db.close());
  beforeEach(() => {
    // The breaker is per process; the deliberate upstream failures must not open it for the next test.
    channelBreaker().recordSuccess("broken");
    const base = testContext(db, testAppConfig(file));
    f.ctx = {
      ...base,
      provider: (channel) => {
        if (channel.id !== "broken") return base.provider(channel);
        const failing: PaymentProvider = {
          retryAck: { status: 200, body: "fail" },
          createPayment: () =>
            f.brokenMode === "error"
              ? Promise.reject(new UpstreamError("金额变动无法支付"))
              : new Promise(() => undefined),
          parseNotify: () => Promise.resolve({ kind: "rejected", reason: "n/a", ack: { status: 200, body: "fail" } }),
        };
        return failing;
      },
    };
  });
  return f;
}
