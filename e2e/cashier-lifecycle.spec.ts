import { expect, test } from "@playwright/test";
import { expectAccessible, order, pagePath, payBySandboxNotify, phoneContext, SHOP, UA } from "./support/cashier-kit";
import { returnUrlVerifies } from "./support/merchant-api";

/** Live status, countdown, the paid and timeout redirects, and axe in every state, on PC and phone. */
test.use({ locale: "zh-CN" });

test("paid: success, then the signed return_url once the shop acknowledged (phone)", async ({ browser, request }) => {
  const o = await order(request, "alipay", SHOP.codes, "2.50");
  const ctx = await phoneContext(browser, UA.iphone);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("live-status")).toHaveText("等待付款");
  await payBySandboxNotify(request, "sbx-codes", o.order_id, 250);
  await page.waitForURL(/\/demo\/return\?/, { timeout: 20_000 });
  expect(returnUrlVerifies(page.url(), SHOP.codes)).toBe(true);
  await expect(page.getByTestId("return-verified")).toHaveText("验签通过");
  // The cashier entry was replaced: Back does not land on a stale pending page.
  await page.goBack().catch(() => null);
  expect(page.url()).not.toContain("/pay/");
  await ctx.close();
});

test("我已付款 rechecks at once and says when nothing arrived yet", async ({ page, request }) => {
  const o = await order(request, "wxpay", SHOP.codes);
  await page.goto(pagePath(o));
  await page.getByTestId("i-have-paid").click();
  await expect(page.getByTestId("not-yet-paid")).toContainText("暂未查询到付款");
});

test("the page works read-only when the session cookie is blocked", async ({ page, request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  await page.route("**/session*", (route) => route.abort());
  await page.goto(pagePath(o));
  await page.getByTestId("i-have-paid").click();
  await expect(page.getByTestId("not-yet-paid")).toBeVisible();
  // A page action without the nonce is refused…
  const forged = await page.request.post("/api/sandbox/pay", { data: { order_id: o.order_id } });
  expect(forged.status()).toBe(403);
  // …but polling still follows a payment.
  await payBySandboxNotify(request, "sbx-codes", o.order_id, 100);
  await page.waitForURL(/\/demo\/return\?/, { timeout: 20_000 });
});

test("status polling survives a failing network: backs off, then follows the payment once the query answers again", async ({
  page,
  request,
}) => {
  const o = await order(request, "alipay", SHOP.codes);
  let failures = 0;
  await page.route("**/api/cloudpay/query?*", (route) =>
    failures < 3 ? (failures++, route.abort("internetdisconnected")) : route.continue(),
  );
  await page.goto(pagePath(o));
  await expect.poll(() => failures, { timeout: 15_000 }).toBe(3);
  await payBySandboxNotify(request, "sbx-codes", o.order_id, 100);
  await page.waitForURL(/\/demo\/return\?/, { timeout: 30_000 });
});

test("a pending page keeps one held status query open, and it answers the moment the payment lands", async ({
  page,
  request,
}) => {
  const o = await order(request, "alipay", SHOP.codes);
  const queries: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/cloudpay/query?")) queries.push(r.url());
  });
  await page.goto(pagePath(o));
  await expect(page.getByTestId("live-status")).toHaveText("等待付款");
  // Three seconds of waiting: the old 2 s poll would have asked twice; the held poll is still the one request.
  await page.waitForTimeout(3_000);
  expect(queries).toHaveLength(1);
  expect(new URL(queries[0]!).searchParams.get("status")).toBe("pending");
  expect(Number(new URL(queries[0]!).searchParams.get("wait"))).toBeGreaterThan(0);
  await payBySandboxNotify(request, "sbx-codes", o.order_id, 100);
  await page.waitForURL(/\/demo\/return\?/, { timeout: 20_000 });
  // The held one answered "paid", the next (status=paid) answered when the shop acknowledged: no polling in between.
  expect(queries.length).toBeLessThanOrEqual(3);
});

test("a hidden tab keeps polling for a minute, then waits; showing it again rechecks at once", async ({
  page,
  request,
}) => {
  const o = await order(request, "alipay", SHOP.codes);
  // A proxy that answers held polls at once (it drops status/wait): the page falls back to plain 2 s polling, and the
  // hidden-tab rules are played on that rhythm by the page clock.
  await page.route("**/api/cloudpay/query?*", async (route) => {
    const url = new URL(route.request().url());
    url.searchParams.delete("status");
    url.searchParams.delete("wait");
    // The page may drop a poll that is in flight (a re-issued query, the tab shown again): its request is gone
    // and the fetched answer disposed, so fulfilling it can only fail. The assertions count requests, not answers.
    const response = await route.fetch({ url: url.toString() }).catch(() => null);
    if (response) await route.fulfill({ response }).catch(() => undefined);
  });
  // Headless tabs are never hidden: the page's visibility is played here, time by the page clock.
  await page.addInitScript(() => {
    let hidden = false;
    Object.defineProperty(document, "hidden", { get: () => hidden });
    Object.defineProperty(document, "visibilityState", { get: () => (hidden ? "hidden" : "visible") });
    (window as unknown as { setHidden: (v: boolean) => void }).setHidden = (v) => {
      hidden = v;
      document.dispatchEvent(new Event("visibilitychange"));
    };
  });
  await page.clock.install();
  let polls = 0;
  page.on("request", (r) => {
    if (r.url().includes("/api/cloudpay/query?")) polls++;
  });
  await page.goto(pagePath(o));
  await expect(page.getByTestId("live-status")).toHaveText("等待付款");
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      await page.clock.runFor(1000);
      await page.waitForTimeout(25);
    }
  };
  const setHidden = (v: boolean) =>
    page.evaluate((h) => (window as unknown as { setHidden: (v: boolean) => void }).setHidden(h), v);

  await setHidden(true);
  const atHide = polls;
  await advance(40_000);
  expect(polls - atHide).toBeGreaterThanOrEqual(10);
  await advance(30_000);
  const afterGrace = polls;
  await advance(30_000);
  expect(polls).toBe(afterGrace);
  await setHidden(false);
  await expect.poll(() => polls).toBeGreaterThan(afterGrace);
  await page.unrouteAll({ behavior: "ignoreErrors" });
});

test("countdown comes from server time: a payer clock two hours ahead changes nothing", async ({ page, request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  await page.clock.install({ time: Date.now() + 2 * 3600_000 });
  await page.goto(pagePath(o));
  await expect(page.getByTestId("countdown")).toHaveText(/^4:[45]\d$/);
  await expect(page.getByTestId("live-status")).toHaveText("等待付款");
});

test("countdown over an hour reads H:MM:SS (a merchant with a two-hour order TTL)", async ({ page, request }) => {
  const o = await order(request, "alipay", SHOP.long);
  await page.goto(pagePath(o));
  await expect(page.getByTestId("countdown")).toHaveText(/^(2:00:00|1:59:[0-5]\d)$/);
});

test("axe: pending and paid, PC and phone, no serious or critical violations", async ({ browser, request }) => {
  for (const phone of [false, true]) {
    const o = await order(request, "wxpay", SHOP.codes);
    const ctx = phone
      ? await phoneContext(browser, UA.iphone)
      : await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    const page = await ctx.newPage();
    // Keep the page on its paid panel (no automatic return) to check it: the once-per-tab redirect guard is set.
    await page.addInitScript((id) => sessionStorage.setItem(`paydesk:left:${id}`, "1"), o.order_id);
    await page.goto(pagePath(o));
    await expectAccessible(page, `pending ${phone ? "phone" : "pc"}`);
    await payBySandboxNotify(request, "sbx-codes", o.order_id, 100);
    await expect(page.getByTestId("back-to-shop")).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId("live-status")).toHaveText("支付成功");
    expect(returnUrlVerifies((await page.getByTestId("back-to-shop").getAttribute("href")) ?? "", SHOP.codes)).toBe(
      true,
    );
    await expectAccessible(page, `paid ${phone ? "phone" : "pc"}`);
    await ctx.close();
  }
});

test("overlay in the WeChat webview passes axe", async ({ browser, request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  const ctx = await phoneContext(browser, UA.wechat);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expectAccessible(page, "overlay");
  await ctx.close();
});

test.describe("expiry (60 s TTL, the contract's minimum)", () => {
  test.setTimeout(120_000);

  test("timeout_url configured: at zero the server confirms, then the payer goes to the timeout page", async ({
    page,
    request,
  }) => {
    const o = await order(request, "alipay", SHOP.short);
    await page.goto(pagePath(o));
    await expect(page.getByTestId("countdown")).toHaveText(/^[01]:\d\d$/);
    await page.waitForURL(/\/demo\/timeout/, { timeout: 80_000 });
  });

  test("no timeout_url: the expired panel with a way back, axe on PC and phone", async ({ browser, request }) => {
    const pc = await order(request, "wxpay", SHOP.shortNoTimeout);
    const mobile = await order(request, "alipay", SHOP.shortNoTimeout);
    const pcCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    const phoneCtx = await phoneContext(browser, UA.iphone);
    const pcPage = await pcCtx.newPage();
    const phonePage = await phoneCtx.newPage();
    await pcPage.goto(pagePath(pc));
    await phonePage.goto(pagePath(mobile));
    for (const page of [pcPage, phonePage]) {
      await expect(page.getByTestId("result-expired")).toBeVisible({ timeout: 80_000 });
      await expect(page.getByRole("heading", { name: "订单已过期" })).toBeVisible();
      await expect(page.getByTestId("live-status")).toHaveText("订单已过期");
      await expect(page.getByTestId("back-to-shop")).toHaveAttribute("href", "http://localhost:3210");
      await expectAccessible(page, "expired");
    }
    await pcCtx.close();
    await phoneCtx.close();
  });
});
