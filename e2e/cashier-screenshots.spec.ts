import path from "node:path";
import { expect, test } from "@playwright/test";
import { order, pagePath, phoneContext, UA } from "./support/cashier-kit";
import { PROVIDER_MERCHANT } from "./support/stack-constants";

/**
 * The README pictures, taken from the e2e run against real provider protocols (emulated PAYJS and 三网, so no sandbox
 * button): PC page, phone page (WeChat personal code), and the open-in-browser overlay in the WeChat webview.
 * `npx tsx scripts/screenshots.ts` runs this spec with PAYDESK_SCREENSHOTS_DIR=docs/screenshots.
 */
const dir = process.env.PAYDESK_SCREENSHOTS_DIR ?? "test-results/screenshots";
test.use({ locale: "zh-CN" });

test("screenshot: PC 1280×800", async ({ page, request }) => {
  const o = await order(request, "alipay", PROVIDER_MERCHANT, "88.00");
  await page.goto(pagePath(o));
  await expect(page.getByTestId("countdown")).toBeVisible();
  await page.screenshot({ path: path.join(dir, "cashier-pc.png") });
});

test("screenshot: iPhone 390×844, WeChat personal code", async ({ browser, request }) => {
  const o = await order(request, "wxpay", PROVIDER_MERCHANT, "88.00");
  const ctx = await phoneContext(browser, UA.iphone);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("qr-image")).toBeVisible();
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  await page.screenshot({ path: path.join(dir, "cashier-phone.png") });
  await ctx.close();
});

test("screenshot: iPhone 390×844, Alipay wake-up button", async ({ browser, request }) => {
  const o = await order(request, "alipay", PROVIDER_MERCHANT, "88.00");
  const ctx = await phoneContext(browser, UA.iphone);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  await page.screenshot({ path: path.join(dir, "cashier-phone-alipay.png") });
  await ctx.close();
});

test("screenshot: WeChat webview, Alipay order: open-in-browser overlay", async ({ browser, request }) => {
  const o = await order(request, "alipay", PROVIDER_MERCHANT, "88.00");
  const ctx = await phoneContext(browser, UA.wechat);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("open-in-browser")).toBeVisible();
  await page.screenshot({ path: path.join(dir, "cashier-wechat-overlay.png") });
  await ctx.close();
});

test("screenshots: dark mode (prefers-color-scheme: dark) on PC, iPhone and in the WeChat webview", async ({
  browser,
  request,
}) => {
  const cases = [
    { name: "cashier-pc-dark.png", type: "alipay", ua: null },
    { name: "cashier-phone-dark.png", type: "wxpay", ua: UA.iphone },
    { name: "cashier-wechat-dark.png", type: "wxpay", ua: UA.wechat },
  ] as const;
  for (const c of cases) {
    const o = await order(request, c.type, PROVIDER_MERCHANT, "88.00");
    const ctx = c.ua
      ? await phoneContext(browser, c.ua)
      : await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    const page = await ctx.newPage();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(pagePath(o));
    await expect(page.getByTestId("countdown")).toBeVisible();
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    await page.screenshot({ path: path.join(dir, c.name), fullPage: !c.ua });
    await ctx.close();
  }
});
