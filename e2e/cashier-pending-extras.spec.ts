import path from "node:path";
import { expect, test } from "@playwright/test";
import { expectAccessible, order, pagePath, payBySandboxNotify, phoneContext, SHOP, UA } from "./support/cashier-kit";
import { DOWN, submitUrl, TIMEOUT_PAGE } from "./support/failure-kit";

/**
 * The pending page's way out and its surroundings (issue 23): "取消支付，返回商户", the product line where the
 * protocol carries one, the favicon, dark mode, and the offline banner that clears itself with the held poll
 * picking up again.
 */
test.use({ locale: "zh-CN" });
const dir = process.env.PAYDESK_SCREENSHOTS_DIR ?? "test-results/screenshots";

test("offline: a banner while the network is gone; back online it clears and the poll follows the payment at once", async ({
  browser,
  request,
}) => {
  const o = await order(request, "wxpay", SHOP.codes, "3.30");
  const ctx = await phoneContext(browser, UA.iphone);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("live-status")).toHaveText("等待付款");
  await expect(page.getByTestId("offline-banner")).toHaveCount(0);
  await ctx.setOffline(true);
  await expect(page.getByTestId("offline-banner")).toHaveText(/网络已断开.*如已付款，请勿重复付款/);
  await expect(page.getByTestId("qr-image")).toBeVisible();
  await page.screenshot({ path: path.join(dir, "cashier-offline-phone.png") });
  // Paid while the payer's phone is offline: nothing can reach the page…
  await payBySandboxNotify(request, "sbx-codes", o.order_id, 330);
  await page.waitForTimeout(1_500);
  expect(page.url()).toContain(`/pay/${o.order_id}`);
  // …until the network is back: the banner goes and the page learns "paid" without waiting out any back-off.
  const back = Date.now();
  await ctx.setOffline(false);
  await expect(page.getByTestId("offline-banner")).toHaveCount(0);
  await page.waitForURL(/\/demo\/return\?/, { timeout: 15_000 });
  expect(Date.now() - back).toBeLessThan(12_000);
  await ctx.close();
});

test("offline, pictured on PC and in the WeChat webview too", async ({ browser, request }) => {
  for (const [name, ua] of [
    ["cashier-offline-pc.png", null],
    ["cashier-offline-wechat.png", UA.wechat],
  ] as const) {
    const o = await order(request, "wxpay", SHOP.codes, "3.30");
    const ctx = ua
      ? await phoneContext(browser, ua)
      : await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    const page = await ctx.newPage();
    await page.goto(pagePath(o));
    await expect(page.getByTestId("live-status")).toHaveText("等待付款");
    await ctx.setOffline(true);
    await expect(page.getByTestId("offline-banner")).toBeVisible();
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    await page.screenshot({ path: path.join("test-results/screenshots/failures", name) });
    await ctx.setOffline(false);
    await expect(page.getByTestId("offline-banner")).toHaveCount(0);
    await ctx.close();
  }
});

test("取消支付，返回商户 leads where the timeout goes, closes nothing; the epay product name is on the page", async ({
  page,
  request,
}) => {
  // An epay order with a wallet and a product name (the 云端 create and V免签 carry no product).
  await page.goto(submitUrl(DOWN, { type: "wxpay", name: "年度会员" }));
  await page.waitForURL(/\/pay\/[A-Za-z0-9]{24}$/);
  const id = new URL(page.url()).pathname.split("/").pop() ?? "";
  await expect(page.getByTestId("product-name")).toHaveText("年度会员");
  const cancel = page.getByTestId("cancel-to-shop");
  await expect(cancel).toHaveText("取消支付，返回商户");
  await expect(cancel).toHaveAttribute("href", TIMEOUT_PAGE);
  await expect(cancel).toHaveAttribute("target", "_top");
  await cancel.click();
  await page.waitForURL(TIMEOUT_PAGE);
  // The order is still open: coming back shows it, still payable.
  const view = (await (await request.get(`/api/cloudpay/query?order_id=${id}&sign=nosign`)).json()) as {
    data: { status: string };
  };
  expect(view.data.status).toBe("pending");
  await page.goBack();
  await expect(page.getByTestId("countdown")).toBeVisible();

  // A 云端 order: no product line at all, and the same way back.
  const o = await order(request, "alipay", SHOP.codes);
  await page.goto(pagePath(o));
  await expect(page.getByTestId("product-name")).toHaveCount(0);
  await expect(page.getByTestId("cancel-to-shop")).toHaveAttribute("href", TIMEOUT_PAGE);
});

test("the phone page has the way back and the product too", async ({ browser }) => {
  const ctx = await phoneContext(browser, UA.iphone);
  const page = await ctx.newPage();
  await page.goto(submitUrl(DOWN, { type: "wxpay", name: "年度会员" }));
  await page.waitForURL(/\/pay\/[A-Za-z0-9]{24}$/);
  await expect(page.getByTestId("product-name")).toHaveText("年度会员");
  await expect(page.getByTestId("cancel-to-shop")).toBeVisible();
  await ctx.close();
});

test("a favicon, not a 404: /favicon.ico and the page's icon link", async ({ page, request }) => {
  const ico = await request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
  const o = await order(request, "alipay", SHOP.codes);
  const missing: string[] = [];
  page.on("response", (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  await page.goto(pagePath(o));
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  expect((await request.get(href!)).status()).toBe(200);
  expect(missing).toEqual([]);
});

test("dark mode follows the system: dark page, the QR on white, axe clean on PC and phone", async ({
  browser,
  request,
}) => {
  for (const phone of [false, true]) {
    const o = await order(request, phone ? "wxpay" : "alipay", SHOP.codes, "8.80");
    const ctx = phone
      ? await phoneContext(browser, UA.iphone)
      : await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    const page = await ctx.newPage();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(pagePath(o));
    await expect(page.getByTestId("countdown")).toBeVisible();
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(3, 7, 18)");
    const qrBox = page.getByTestId(phone ? "qr-image" : "qr");
    expect(await qrBox.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(255, 255, 255)");
    await expectAccessible(page, `dark, ${phone ? "phone" : "PC"}`);
    await ctx.close();
  }
});
