import { expect, test, type Page } from "@playwright/test";
import { startHost } from "./host/host-server";
import { order, pagePath, SHOP } from "./support/cashier-kit";
import { returnUrlVerifies } from "./support/merchant-api";

/**
 * The cashier framed by a shop's page on another origin (127.0.0.1 host vs localhost Paydesk): embed.js mounts it,
 * the page posts `ready`/`status`/`paid` to the allowed origin only, and an origin outside embed_origins is refused.
 */
test.describe.configure({ mode: "serial" });
test.use({ locale: "zh-CN" });

const PAYDESK = "http://localhost:3210";
let allowed: Awaited<ReturnType<typeof startHost>>;
let refused: Awaited<ReturnType<typeof startHost>>;

test.beforeAll(async () => {
  allowed = await startHost(3211, PAYDESK);
  refused = await startHost(3212, PAYDESK);
});
test.afterAll(async () => {
  await allowed.close();
  await refused.close();
});

type Msg = { type: string; return_url?: string; height?: number; order_id?: string };
const events = (page: Page) => page.evaluate(() => (window as unknown as { paydeskEvents: Msg[] }).paydeskEvents);

test("an allowed host receives ready and paid (signed return_url), and embed.js moves the top page", async ({
  page,
  request,
}) => {
  const o = await order(request, "alipay", SHOP.codes, "4.20");
  await page.goto(`${allowed.origin}/?pay=${encodeURIComponent(o.pay_url)}`);
  const frame = page.frameLocator("iframe");
  await expect(frame.getByTestId("amount")).toContainText("4.20");
  await expect.poll(async () => (await events(page)).find((m) => m.type === "ready")?.order_id).toBe(o.order_id);
  // embed.js sized the iframe from the page's resize messages.
  const height = await page.locator("iframe").evaluate((f) => f.getBoundingClientRect().height);
  expect(height).toBeGreaterThan(300);
  // The sandbox button inside the frame: a page action that needs the partitioned session cookie.
  await frame.getByRole("button", { name: /模拟支付/ }).click();
  await page.waitForURL(/localhost:3210\/demo\/return\?/, { timeout: 25_000 });
  expect(returnUrlVerifies(page.url(), SHOP.codes)).toBe(true);
});

test("the host can cancel the redirect and keep the payer on its page", async ({ page, request }) => {
  const o = await order(request, "wxpay", SHOP.codes);
  await page.goto(`${allowed.origin}/?cancel=1&pay=${encodeURIComponent(o.pay_url)}`);
  await expect(page.frameLocator("iframe").getByTestId("amount")).toBeVisible();
  await page
    .frameLocator("iframe")
    .getByRole("button", { name: /模拟支付/ })
    .click();
  await expect
    .poll(async () => (await events(page)).find((m) => m.type === "paid")?.return_url, { timeout: 25_000 })
    .toMatch(/^http:\/\/localhost:3210\/demo\/return\?/);
  const paid = (await events(page)).find((m) => m.type === "paid");
  expect(returnUrlVerifies(paid?.return_url ?? "", SHOP.codes)).toBe(true);
  expect(new URL(page.url()).origin).toBe(allowed.origin);
  // Inside the frame: the success panel with a top-level "return to shop" link, not the shop inside the box.
  await expect(page.frameLocator("iframe").getByTestId("back-to-shop")).toHaveAttribute("target", "_top");
  expect(page.frames()[1]?.url()).toContain(`/pay/${o.order_id}`);
});

test("a host origin not in embed_origins is refused framing and gets no messages", async ({ page, request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  const refusedFrame = new Promise<boolean>((resolve) => {
    page.on("console", (m) => {
      if (/frame-ancestors|Refused to frame/i.test(m.text())) resolve(true);
    });
    setTimeout(() => resolve(false), 8000);
  });
  await page.goto(`${refused.origin}/?pay=${encodeURIComponent(o.pay_url)}`);
  expect(await refusedFrame).toBe(true);
  await expect(page.frameLocator("iframe").getByTestId("amount")).toHaveCount(0);
  expect(await events(page)).toEqual([]);
});

test("a merchant without embed_origins: its page cannot be framed even by another merchant's host", async ({
  page,
  request,
}) => {
  const o = await order(request, "alipay", SHOP.offset);
  await page.goto(`${allowed.origin}/?pay=${encodeURIComponent(o.pay_url)}`);
  await page.waitForTimeout(2000);
  await expect(page.frameLocator("iframe").getByTestId("amount")).toHaveCount(0);
  expect(await events(page)).toEqual([]);
  expect(pagePath(o)).toContain(o.order_id);
});
