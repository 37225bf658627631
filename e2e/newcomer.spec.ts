import { expect, test } from "@playwright/test";
import { DEMO_BASE } from "../playwright.config";

/**
 * The README's promise, on a Paydesk with no config file (what `npm start` gives a newcomer): open the home page,
 * create a test order, pay it with "simulate payment", land on the demo shop's return page with the notification
 * verified.
 */
test.use({ baseURL: DEMO_BASE });

test("newcomer: home page → test order → 模拟支付 → demo shop's return page, notification verified", async ({
  page,
}) => {
  await page.goto("/");
  // No config file: the page says so before anything else.
  await expect(page.getByTestId("demo-mode")).toContainText("演示模式");
  await expect(page.getByRole("heading", { name: "创建测试订单" })).toBeVisible();
  await page.getByLabel("金额（元）").fill("1.23");
  await page.getByLabel("微信支付").check();
  await page.getByRole("button", { name: "创建测试订单" }).click();

  await page.waitForURL(/\/pay\/[A-Za-z0-9]+$/);
  await expect(page.getByTestId("amount")).toContainText("1.23");
  await page.getByRole("button", { name: /模拟支付/ }).click();

  await page.waitForURL(/\/demo\/return\?/, { timeout: 20_000 });
  await expect(page.getByTestId("return-verified")).toHaveText("验签通过");
  await expect(page.getByTestId("notify-count")).toContainText("已收到 1 条验签通过的通知");
});

test("newcomer: a bad amount on the home page is refused with a clear message, no order made", async ({ page }) => {
  await page.goto("/");
  const price = page.getByLabel("金额（元）");
  // The browser's own pattern check would stop "abc"; a zero amount passes it and must be refused by the server.
  await price.fill("0");
  await page.getByRole("button", { name: "创建测试订单" }).click();
  // The merchant API's own answer: a documented code and its message.
  await expect(page.locator("p[role=alert]")).toHaveText(/^\d{3} \S+/);
  expect(new URL(page.url()).pathname).toBe("/");
});
