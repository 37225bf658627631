import { createHash, randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { createOrder, type CreatedOrder } from "./merchant-api";

/** Payer browsers, by User-Agent (phones at 390×844 with touch). */
export const UA = {
  iphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  androidChrome:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  wechat:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN",
  qq: "Mozilla/5.0 (Linux; Android 13; V2196A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.87 MQQBrowser/6.2 TBS/046715 Mobile Safari/537.36 V1_AND_SQ_9.0.8_5196_YYB_D QQ/9.0.8.14755 NetType/WIFI",
  alipay:
    "Mozilla/5.0 (Linux; Android 13; 22081212C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0 Mobile Safari/537.36 AlipayClient/10.5.0 Language/zh-Hans",
} as const;

/** The e2e merchants of e2e/paydesk.e2e.json used by the cashier specs (secret = `${appkey}-e2e-secret-at-least-32-characters`: a real config file needs ≥ 32). */
export const SHOP = {
  codes: { appkey: "codes", appsecret: "codes-e2e-secret-at-least-32-characters" },
  native: { appkey: "native", appsecret: "native-e2e-secret-at-least-32-characters" },
  offset: { appkey: "offset", appsecret: "offset-e2e-secret-at-least-32-characters" },
  short: { appkey: "short", appsecret: "short-e2e-secret-at-least-32-characters" },
  shortNoTimeout: { appkey: "short-nt", appsecret: "short-nt-e2e-secret-at-least-32-characters" },
  long: { appkey: "long", appsecret: "long-e2e-secret-at-least-32-characters" },
} as const;

export async function phoneContext(
  browser: Browser,
  ua: string,
  extra: { javaScriptEnabled?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    userAgent: ua,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    ...extra,
  });
}

export async function order(
  request: APIRequestContext,
  type: "alipay" | "wxpay" | "qqpay",
  merchant: { appkey: string; appsecret: string },
  price = "1.00",
): Promise<CreatedOrder> {
  return createOrder(request, { price, type, custom: `payer-${type}` }, merchant);
}

export const pagePath = (o: CreatedOrder) => new URL(o.pay_url).pathname;

/** The key of every sandbox channel in e2e/paydesk.e2e.json (a real config file must set one explicitly). */
export const E2E_SANDBOX_KEY = "e2e-sandbox-key";

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/**
 * Pays like the sandbox provider would: its signed notification, md5(order_id + amount + trade_no + key), straight to
 * /api/notify/{channel} (docs/contract.md#sandbox-provider), independent of the page's button.
 */
export async function payBySandboxNotify(
  request: APIRequestContext,
  channel: string,
  orderId: string,
  amountFen: number,
): Promise<void> {
  const fields = { order_id: orderId, amount: String(amountFen), trade_no: `E2E${randomBytes(8).toString("hex")}` };
  const res = await request.post(`/api/notify/${channel}`, {
    form: { ...fields, sign: md5(fields.order_id + fields.amount + fields.trade_no + E2E_SANDBOX_KEY) },
  });
  expect(await res.text()).toBe("success");
}

/** axe on the current page: no serious or critical violations. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    label,
  ).toEqual([]);
}
