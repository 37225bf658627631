import { expect, test } from "@playwright/test";
import { order, pagePath, payBySandboxNotify, phoneContext, SHOP, UA } from "./support/cashier-kit";

/** Which layout, button, overlay or link each payer browser gets (docs/contract.md#the-cashier-page). */
test.use({ locale: "zh-CN" });

const enc = encodeURIComponent;

test("desktop 1280×800: PC layout with QR, amount, countdown, steps, refresh and order details in the first HTML", async ({
  page,
  request,
}) => {
  const o = await order(request, "alipay", SHOP.codes, "12.34");
  const html = await (await request.get(pagePath(o), { headers: { "accept-language": "zh-CN" } })).text();
  for (const text of ["12.34", "真实码测试店", o.order_id, "打开支付宝", "扫一扫", "<svg"])
    expect(html).toContain(text);
  await page.goto(pagePath(o));
  await expect(page.getByTestId("qr").locator("svg")).toBeVisible();
  await expect(page.getByTestId("qr").locator("svg image")).toHaveAttribute("href", "/wallets/alipay.svg");
  await expect(page.getByTestId("amount")).toContainText("12.34");
  await expect(page.getByTestId("countdown")).toHaveText(/^[45]:\d\d$/);
  await expect(page.getByText("打开支付宝")).toBeVisible();
  await expect(page.getByTestId("refresh-qr")).toHaveAttribute("href", pagePath(o));
  await expect(page.getByTestId("order-details")).toContainText(o.order_id);
  await expect(page.getByTestId("wallet-button")).toHaveCount(0);
});

test("iPhone Safari, Alipay: the exact alipays:// wake-up link", async ({ browser, request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  const ctx = await phoneContext(browser, UA.iphone);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("wallet-button")).toHaveText(/打开支付宝付款/);
  await expect(page.getByTestId("wallet-button")).toHaveAttribute(
    "href",
    `alipays://platformapi/startapp?saId=10000007&qrcode=${enc(o.qr_content)}`,
  );
  await expect(page.getByTestId("qr-image")).toBeVisible();
  await ctx.close();
});

test("Android Chrome, Alipay: the exact intent:// link", async ({ browser, request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  const ctx = await phoneContext(browser, UA.androidChrome);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("wallet-button")).toHaveAttribute(
    "href",
    `intent://platformapi/startapp?saId=10000007&qrcode=${enc(o.qr_content)}#Intent;scheme=alipays;package=com.eg.android.AlipayGphone;end`,
  );
  await ctx.close();
});

test("inside the Alipay app, Alipay: straight to the https code URL", async ({ browser, request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  expect(o.qr_content).toMatch(/^https:\/\/qr\.alipay\.com\//);
  const ctx = await phoneContext(browser, UA.alipay);
  const page = await ctx.newPage();
  await page.route("https://qr.alipay.com/**", (route) =>
    route.fulfill({ contentType: "text/html", body: "<title>alipay</title>ok" }),
  );
  await page.goto(pagePath(o));
  await page.waitForURL(o.qr_content);
  await ctx.close();
});

test("QQ wallet: https button in a phone browser, straight to it inside QQ", async ({ browser, request }) => {
  const o = await order(request, "qqpay", SHOP.codes);
  const phone = await phoneContext(browser, UA.iphone);
  const p1 = await phone.newPage();
  await p1.goto(pagePath(o));
  await expect(p1.getByTestId("wallet-button")).toHaveText(/打开QQ钱包付款/);
  await expect(p1.getByTestId("wallet-button")).toHaveAttribute("href", o.qr_content);
  await phone.close();

  const qq = await phoneContext(browser, UA.qq);
  const p2 = await qq.newPage();
  await p2.route("https://i.qianbao.qq.com/**", (route) => route.fulfill({ contentType: "text/html", body: "ok" }));
  await p2.goto(pagePath(o));
  await p2.waitForURL(o.qr_content);
  await qq.close();
});

for (const [app, ua] of [
  ["WeChat", UA.wechat],
  ["QQ", UA.qq],
] as const) {
  test(`Alipay inside the ${app} webview: the open-in-browser overlay`, async ({ browser, request }) => {
    const o = await order(request, "alipay", SHOP.codes);
    const ctx = await phoneContext(browser, ua);
    const page = await ctx.newPage();
    await page.goto(pagePath(o));
    const overlay = page.getByRole("dialog", { name: "请在浏览器中打开" });
    await expect(overlay).toBeVisible();
    await expect(overlay).toContainText("点击右上角 ···");
    await expect(overlay).toContainText("在浏览器打开");
    await expect(page.getByTestId("wallet-button")).toHaveCount(0);
    await ctx.close();
  });
}

test("QQ wallet inside WeChat: overlay too", async ({ browser, request }) => {
  const o = await order(request, "qqpay", SHOP.codes);
  const ctx = await phoneContext(browser, UA.wechat);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("open-in-browser")).toBeVisible();
  await ctx.close();
});

test("WeChat personal code: a saveable PNG <img> with album steps; long-press inside WeChat", async ({
  browser,
  request,
}) => {
  const o = await order(request, "wxpay", SHOP.codes);
  expect(o.qr_content).toMatch(/^wxp:\/\//);
  const phone = await phoneContext(browser, UA.iphone);
  const page = await phone.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("wallet-badge")).toHaveText("微信支付");
  const img = page.getByTestId("qr-image");
  await expect(img).toBeVisible();
  expect(await img.evaluate((el) => el.tagName)).toBe("IMG");
  const png = await page.request.get((await img.getAttribute("src")) ?? "");
  expect(png.headers()["content-type"]).toBe("image/png");
  for (const step of ["保存图片", "扫一扫", "相册"])
    await expect(page.getByText(step, { exact: false }).first()).toBeVisible();
  await phone.close();

  const wechat = await phoneContext(browser, UA.wechat);
  const p2 = await wechat.newPage();
  await p2.goto(pagePath(o));
  await expect(p2.getByText("识别图中的二维码")).toBeVisible();
  await expect(p2.getByTestId("open-in-browser")).toHaveCount(0);
  await wechat.close();
});

test("WeChat official Native code: the honest other-device note", async ({ browser, request }) => {
  const o = await order(request, "wxpay", SHOP.native);
  expect(o.qr_content).toMatch(/^weixin:\/\/wxpay\/bizpayurl/);
  const ctx = await phoneContext(browser, UA.androidChrome);
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("wechat-native-note")).toContainText("请用另一台设备扫码");
  await expect(page.getByText("保存图片")).toHaveCount(0);
  await ctx.close();
});

test("amount differs from the price: big red exact-amount warning", async ({ page, request }) => {
  const o = await order(request, "alipay", SHOP.offset, "3.00");
  await page.goto(pagePath(o));
  await expect(page.getByTestId("amount")).toContainText("3.01");
  await expect(page.getByTestId("amount-warning")).toContainText("请务必付款 3.01 元，否则无法到账");
});

test("languages: zh-CN by default, en from Accept-Language or ?lang=", async ({ browser, request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  const en = await browser.newContext({ locale: "en-US" });
  const p = await en.newPage();
  await p.goto(pagePath(o));
  await expect(p.getByText("Amount to pay")).toBeVisible();
  await expect(p.locator("html")).toHaveAttribute("lang", "en");
  await p.goto(`${pagePath(o)}?lang=zh-CN`);
  await expect(p.getByText("应付金额")).toBeVisible();
  await expect(p.locator("html")).toHaveAttribute("lang", "zh-CN");
  await en.close();
  const html = await (await request.get(`${pagePath(o)}?lang=en`)).text();
  expect(html).toContain("Open Alipay");
  expect(html).toContain('<html lang="en"');
  const noHeader = await (await request.get(pagePath(o), { headers: { "accept-language": "" } })).text();
  expect(noHeader).toContain("应付金额");
  expect(noHeader).toContain('<html lang="zh-CN"');
});

test("JavaScript disabled: QR visible, <noscript> refresh keeps following the order until paid", async ({
  browser,
  request,
}) => {
  const o = await order(request, "wxpay", SHOP.codes);
  const ctx = await phoneContext(browser, UA.iphone, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(pagePath(o));
  await expect(page.getByTestId("qr-image")).toBeVisible();
  expect(await page.locator("noscript").first().innerHTML()).toContain('http-equiv="refresh"');
  await payBySandboxNotify(request, "sbx-codes", o.order_id, 100);
  await expect(page.getByTestId("result-paid")).toBeVisible({ timeout: 15_000 });
  await ctx.close();
});

test("/pay/{id}/qrcode is a PNG of pay_url for real orders only; /pay/api?id= is an alias", async ({ request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  const png = await request.get(new URL(o.qrcode_url).pathname);
  expect(png.headers()["content-type"]).toBe("image/png");
  expect((await png.body()).subarray(1, 4).toString()).toBe("PNG");
  expect((await request.get("/pay/nosuchorder000000000000/qrcode")).status()).toBe(404);
  const alias = await request.get(`/pay/api?id=${o.order_id}`, { maxRedirects: 0 });
  expect(alias.status()).toBe(302);
  expect(alias.headers().location).toContain(`/pay/${o.order_id}`);
});

const directive = (csp: string | undefined, name: string) =>
  (csp ?? "")
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

test("frame-ancestors: the merchant's embed origins on /pay/{id}, 'none' elsewhere", async ({ request }) => {
  const o = await order(request, "alipay", SHOP.codes);
  expect(directive((await request.get(pagePath(o))).headers()["content-security-policy"], "frame-ancestors")).toBe(
    "frame-ancestors http://127.0.0.1:3211",
  );
  const other = await order(request, "alipay", SHOP.offset);
  expect(directive((await request.get(pagePath(other))).headers()["content-security-policy"], "frame-ancestors")).toBe(
    "frame-ancestors 'none'",
  );
  expect(directive((await request.get("/")).headers()["content-security-policy"], "frame-ancestors")).toBe(
    "frame-ancestors 'none'",
  );
});

test("every page: a CSP whose script nonce is fresh per response and on Next's scripts; object-src/base-uri; static security headers", async ({
  page,
  request,
}) => {
  const o = await order(request, "wxpay", SHOP.codes);
  const nonces: string[] = [];
  for (const path of [pagePath(o), pagePath(o), "/", "/demo/timeout"]) {
    const res = await request.get(path);
    const h = res.headers();
    const csp = h["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(directive(csp, "script-src") ?? "")?.[1] ?? "";
    expect(nonce.length, path).toBeGreaterThanOrEqual(16);
    nonces.push(nonce);
    expect(directive(csp, "object-src")).toBe("object-src 'none'");
    expect(directive(csp, "base-uri")).toBe("base-uri 'self'");
    // Every script tag in the HTML carries this response's nonce.
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length, path).toBeGreaterThan(0);
    expect(
      scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`)),
      path,
    ).toEqual([]);
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["permissions-policy"]).toContain("camera=()");
    // The e2e stack is plain http: no HSTS.
    expect(h["strict-transport-security"]).toBeUndefined();
  }
  expect(new Set(nonces).size).toBe(nonces.length);
  // The page still hydrates under the policy: no CSP violation, and its script runs (the live countdown ticks).
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  await page.goto(pagePath(o));
  const first = await page.getByTestId("countdown").first().textContent();
  await expect.poll(() => page.getByTestId("countdown").first().textContent(), { timeout: 5_000 }).not.toBe(first);
  expect(violations).toEqual([]);
});

test("unknown order or page: a 404 in the cashier's look and language, server-rendered, not the framework's default", async ({
  browser,
  request,
}) => {
  const unknown = await request.get("/pay/nosuchorder000000000000");
  expect(unknown.status()).toBe(404);
  const zh = await unknown.text();
  expect(zh).toContain("订单不存在");
  expect(zh).not.toContain("could not be found");
  const en = await (await request.get("/pay/nosuchorder000000000000?lang=en")).text();
  expect(en).toContain("Order not found");
  expect(en).toContain('<html lang="en"');
  const page = await request.get("/no/such/page");
  expect(page.status()).toBe(404);
  expect(await page.text()).toContain("页面不存在");
  // In the first HTML, not filled in by JavaScript: a payer on a slow phone or with scripts off still reads it.
  const noJs = await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN" });
  const p = await noJs.newPage();
  await p.goto("/pay/nosuchorder000000000000");
  await expect(p.getByRole("heading", { name: "订单不存在" })).toBeVisible();
  await noJs.close();
});
