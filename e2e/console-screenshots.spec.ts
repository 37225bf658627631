import path from "node:path";
import { expect, test } from "@playwright/test";
import { CONSOLE_USERS, login, NFAIL, sandboxPay } from "./support/console-kit";
import { createOrder } from "./support/merchant-api";

/**
 * README pictures of the merchant console (docs/screenshots/console-*.png via `npx tsx scripts/screenshots.ts`), with
 * a few real orders behind them: paid ones, a pending one and a payment kept for review.
 */
const dir = process.env.PAYDESK_SCREENSHOTS_DIR ?? "test-results/screenshots";
test.use({ locale: "zh-CN", viewport: { width: 1280, height: 900 } });

test("screenshots: console overview, orders, order timeline, review, channels, audit", async ({ page, request }) => {
  const paid = [];
  for (const [price, type] of [
    ["12.00", "alipay"],
    ["35.50", "wxpay"],
    ["8.80", "qqpay"],
  ] as const) {
    const o = await createOrder(request, { price, type, custom: "buyer-7" });
    await sandboxPay(request, o.order_id, Math.round(Number(price.replace(".", ""))), `SHOT-${o.order_id}`);
    paid.push(o);
  }
  const short = await createOrder(request, { price: "20.00", type: "alipay" });
  await sandboxPay(request, short.order_id, 1990, `SHOT-SHORT-${short.order_id}`);
  await createOrder(request, { price: "66.00", type: "wxpay" });

  await login(page, CONSOLE_USERS.ops);
  await page.screenshot({ path: path.join(dir, "console-overview.png"), fullPage: true });
  await page.goto("/console/orders");
  await page.screenshot({ path: path.join(dir, "console-orders.png"), fullPage: true });
  await page.goto(`/console/orders/${paid[0]!.order_id}`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("ev-attempt")).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await page.screenshot({ path: path.join(dir, "console-order.png"), fullPage: true });
  await page.goto("/console/review");
  await page.screenshot({ path: path.join(dir, "console-review.png"), fullPage: true });
  await page.goto("/console/channels");
  await page.screenshot({ path: path.join(dir, "console-channels.png"), fullPage: true });
  await page.goto("/console/audit");
  await page.screenshot({ path: path.join(dir, "console-audit.png"), fullPage: true });
});

test("screenshots: alerts, failing shops with the doctor, channel health (PC and phone width)", async ({
  page,
  request,
}) => {
  for (let i = 0; i < 2; i++) {
    const o = await createOrder(request, { price: "5.00", type: "alipay" }, NFAIL);
    await sandboxPay(request, o.order_id, 500, `SHOT-NF-${o.order_id}`);
  }
  await login(page, CONSOLE_USERS.ops);
  await expect(async () => {
    await page.goto("/console");
    await expect(page.getByTestId("failing-shop-nfail")).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await page.goto("/console/alerts");
  await page.getByTestId("sink-ops-hook").getByRole("button").click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("delivery-ops-hook").first()).toContainText(/ECONNREFUSED|bad port/, {
      timeout: 500,
    });
  }).toPass({ timeout: 15_000 });
  for (const [name, width, height] of [
    ["pc", 1280, 900],
    ["phone", 390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto("/console");
    await page.screenshot({ path: path.join(dir, `console-failing-shops-${name}.png`), fullPage: true });
    await page.goto("/console/alerts");
    await page.screenshot({ path: path.join(dir, `console-alerts-${name}.png`), fullPage: true });
    await page.goto("/console/channels");
    await page.screenshot({ path: path.join(dir, `console-channel-health-${name}.png`), fullPage: true });
  }
});

test("screenshots: each console page in words, at PC and phone width, in zh-CN and English", async ({
  page,
  request,
}) => {
  // A paid order, a short payment kept for review (amount_mismatch) and a pending order behind the pictures.
  const paid = await createOrder(request, { price: "18.00", type: "alipay", custom: "buyer-9" });
  await sandboxPay(request, paid.order_id, 1800, `WORDS-${paid.order_id}`);
  const short = await createOrder(request, { price: "30.00", type: "wxpay" });
  await sandboxPay(request, short.order_id, 2990, `WORDS-SHORT-${short.order_id}`);
  await createOrder(request, { price: "9.90", type: "qqpay" });
  await login(page, CONSOLE_USERS.ops);
  const pages = [
    ["overview", "/console"],
    ["orders", "/console/orders"],
    ["order", `/console/orders/${paid.order_id}`],
    ["review", "/console/review"],
    ["audit", "/console/audit"],
    ["channels", "/console/channels"],
    ["alerts", "/console/alerts"],
  ] as const;
  for (const lang of ["zh-CN", "en"] as const) {
    await page.goto(`/console/lang?to=${lang}`);
    for (const [name, width, height] of [
      ["pc", 1280, 900],
      ["phone", 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const [key, url] of pages) {
        await page.goto(url);
        await page.screenshot({ path: path.join(dir, `words-${key}-${lang}-${name}.png`), fullPage: true });
      }
    }
  }
  // The words replaced the codes, the codes stay beside them, and every printed time names its zone.
  await page.goto("/console/review");
  await expect(page.getByTestId("review-payment").first()).toContainText("Amount does not match");
  await expect(page.getByTestId("review-payment").first()).toContainText("amount_mismatch");
  await expect(page.getByTestId("review-payment").first()).toContainText("(UTC+8)");
  await page.goto("/console/channels");
  await expect(page.getByTestId("epay-v2-key-base64")).toHaveValue(/^MII[A-Za-z0-9+/=]+$/);
});
