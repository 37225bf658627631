import { expect, test } from "@playwright/test";
import { expectAccessible, phoneContext, UA } from "./support/cashier-kit";
import { EPAY_SHOP_PORT } from "./support/stack-constants";

/**
 * Shops on the epay protocol (docs/protocols/epay.md) through the whole stack in Chromium: the fake shop (e2e/support/epay-shop.ts)
 * sends the browser to submit.php as v2board (GET link, no type, empty field signed, return URL with a #fragment) or
 * the official SDK (auto-submitted POST form) does; the payer pays on the cashier; the shop gets its GET notify and
 * the payer lands on the shop's return page, whose signature the shop verifies.
 */
const SHOP = `http://127.0.0.1:${EPAY_SHOP_PORT}`;
const out = (prefix: string) => `${prefix}${Date.now()}${Math.floor(Math.random() * 1000)}`;

test("v2board link without type: choose the wallet, pay, return to the shop's #/order page verified", async ({
  page,
}, testInfo) => {
  const no = out("V");
  await page.goto(`${SHOP}/buy/v2board?out=${no}&money=10`);
  await page.waitForURL(/\/pay\/[A-Za-z0-9]{24}$/);
  const chooser = page.getByTestId("wallet-chooser");
  await expect(chooser.getByRole("heading", { name: "请选择支付方式" })).toBeVisible();
  await expect(page.getByTestId("product-name")).toHaveText("Xboard 订阅");
  await expect(chooser.getByTestId("amount")).toContainText("10.00");
  await page.screenshot({ path: testInfo.outputPath("chooser-pc.png"), fullPage: true });
  await expectAccessible(page, "wallet chooser, PC");

  await page.getByTestId("choose-alipay").click();
  await expect(page.getByRole("heading", { name: "支付宝支付" })).toBeVisible();
  await expect(page.getByTestId("order-details")).toContainText("Xboard 订阅");
  await page.getByRole("button", { name: /模拟支付/ }).click();

  await page.waitForURL((u) => u.origin === SHOP && u.pathname === "/" && u.hash === `#/order/${no}`, {
    timeout: 20_000,
  });
  await expect(page.getByTestId("shop-return")).toHaveText("验签通过");
  await expect(page.getByTestId("shop-order")).toHaveText(no);
  await expect(page.getByTestId("shop-notified")).toHaveText("1");
});

test("official SDK form POST with type: straight to the WeChat code, pay, return verified", async ({ page }) => {
  const no = out("S");
  await page.goto(`${SHOP}/buy/sdk?out=${no}&money=9.9`);
  await page.waitForURL(/\/pay\/[A-Za-z0-9]{24}$/);
  await expect(page.getByRole("heading", { name: "微信支付" })).toBeVisible();
  await expect(page.getByTestId("amount")).toContainText("9.90");
  await expect(page.getByTestId("order-details")).toContainText("SDK 测试商品");
  await page.getByRole("button", { name: /模拟支付/ }).click();

  await page.waitForURL((u) => u.origin === SHOP && u.pathname === "/return", { timeout: 20_000 });
  await expect(page.getByTestId("shop-return")).toHaveText("验签通过");
  await expect(page.getByTestId("shop-notified")).toHaveText("1");
});

test("the wallet chooser works on a phone without JavaScript", async ({ browser }, testInfo) => {
  const context = await phoneContext(browser, UA.iphone, { javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${SHOP}/buy/v2board?out=${out("N")}&money=3`);
  await page.waitForURL(/\/pay\/[A-Za-z0-9]{24}$/);
  await expect(page.getByTestId("wallet-chooser")).toBeVisible();
  // One column on a phone: the wallets stack.
  const [a, w] = await Promise.all([
    page.getByTestId("choose-alipay").boundingBox(),
    page.getByTestId("choose-wxpay").boundingBox(),
  ]);
  expect(w!.y).toBeGreaterThan(a!.y + a!.height - 1);
  await page.screenshot({ path: testInfo.outputPath("chooser-phone.png"), fullPage: true });
  await page.getByTestId("choose-wxpay").click();
  await page.waitForURL(/\/pay\/[A-Za-z0-9]{24}$/);
  await expect(page.getByTestId("wallet-badge")).toHaveText("微信支付");
  await expect(page.getByRole("img", { name: "微信付款码，应付 3.00 元" })).toBeVisible();
  await context.close();
});

test("submit.php with a bad signature shows a Chinese error page, not a stack trace", async ({ page }) => {
  const res = await page.goto(
    "/submit.php?pid=1000&type=bank&out_trade_no=x&notify_url=http://127.0.0.1/&money=1&sign=x",
  );
  expect(res?.status()).toBe(400);
  await expect(page.getByRole("heading", { name: "无法发起支付" })).toBeVisible();
  await expect(page.getByTestId("epay-error")).toHaveText("签名错误");
});
