import "server-only";
import { randomBase62 } from "@/lib/ids";
import type { AppContext } from "@/lib/context";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { createSign } from "@/lib/merchant-api/cloudpay/cloudpay-sign";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { demoMerchant } from "./demo-shop";

export type TestOrderResult = { ok: true; payUrl: string } | { ok: false; message: string };

/**
 * The home page's "create a test order": signs a create request the way a shop's server would and sends it through
 * the merchant API's own handler (parsing, signature check, idempotency and all), not a shortcut.
 */
export async function createTestOrder(ctx: AppContext, price: string, type: string): Promise<TestOrderResult> {
  const merchant = demoMerchant(ctx);
  if (!merchant) return { ok: false, message: "演示商户未启用" };
  const outOrderId = `DEMO${Date.now()}${randomBase62(4)}`;
  const custom = "demo-user";
  const sign = createSign(
    { appkey: merchant.appkey, price, type, out_order_id: outOrderId, custom },
    merchant.appsecret,
  );
  const body = new URLSearchParams({ appkey: merchant.appkey, price, type, out_order_id: outOrderId, custom, sign });
  const handler = merchantHandler(createOrder, () => Promise.resolve(ctx));
  const response = await handler(
    new Request(`${ctx.config.baseUrl}/api/cloudpay/create`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    }),
  );
  const answer = (await response.json()) as { code: number; msg: string; data?: { pay_url: string } };
  if (answer.code !== 100 || !answer.data) return { ok: false, message: `${answer.code} ${answer.msg}` };
  return { ok: true, payUrl: answer.data.pay_url };
}
