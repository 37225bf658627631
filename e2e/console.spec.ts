import { expect, test } from "@playwright/test";
import {
  CONSOLE_USERS,
  csrfOf,
  expectNoAxeViolations,
  login,
  NFAIL,
  receipts,
  sandboxPay,
} from "./support/console-kit";
import { createOrder, DEMO } from "./support/merchant-api";
import { PROVIDER_MERCHANT } from "./support/stack-constants";

/**
 * The merchant console (/console) against the e2e stack: login, search, an order's timeline, resend, credit from
 * review (the shop is told exactly once), per-merchant scoping (403), CSRF refusal, and axe on every page.
 */
const uid = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

test("login: a wrong password is refused, the right one opens the overview, logout ends the session", async ({
  page,
}) => {
  await page.goto("/console");
  await expect(page).toHaveURL(/\/console\/login$/);
  await expectNoAxeViolations(page);
  await page.getByLabel("用户名").fill("ops");
  await page.getByLabel("密码").fill("not-the-password");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByTestId("login-error")).toHaveText("用户名或密码错误。");

  await login(page, CONSOLE_USERS.ops);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("概览");
  await expect(page.getByRole("img", { name: /Paydesk 演示商店 近 14 天每日成交金额/ })).toBeVisible();
  await expect(page.getByTestId("total-today")).toContainText("今日 · 成交金额");
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/console\/login\?out=1$/);
  await page.goto("/console/orders");
  await expect(page).toHaveURL(/\/console\/login$/);
});

test("login is rate-limited per user name", async ({ page }) => {
  const name = `probe-${uid()}`;
  for (let i = 0; i < 5; i++) {
    const res = await page.request.post("/console/auth/login", { form: { name, password: "guess" }, maxRedirects: 0 });
    expect(res.headers().location).toBe("/console/login?error=invalid");
  }
  const limited = await page.request.post("/console/auth/login", {
    form: { name, password: "guess" },
    maxRedirects: 0,
  });
  expect(limited.headers().location).toMatch(/error=rate/);
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  await page.goto(limited.headers().location!);
  await expect(page.getByTestId("login-error")).toContainText("尝试次数过多");
});

test("search by out_order_id, open the order, see its timeline", async ({ page, request }) => {
  const out = `console-search-${uid()}`;
  const order = await createOrder(request, { price: "3.21", type: "wxpay", out_order_id: out });
  await login(page, CONSOLE_USERS.ops);
  await page.getByRole("link", { name: "订单" }).click();
  await expectNoAxeViolations(page);
  await page.getByLabel("商户订单号").fill(out);
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await expect(page.getByText("共 1 笔，第 1/1 页")).toBeVisible();
  await page.getByRole("link", { name: order.order_id }).click();

  await expect(page.getByRole("heading", { level: 1 })).toContainText(order.order_id);
  await expect(page.getByTestId("ev-created")).toContainText("应付 3.21 元");
  await expect(page.getByTestId("ev-created")).toContainText(order.qr_content);
  await expectNoAxeViolations(page);

  // Status filter: the fresh order is pending, not paid.
  await page.goto(`/console/orders?out_order_id=${out}&status=paid`);
  await expect(page.getByText("没有符合条件的订单。")).toBeVisible();
});

test("a failing notification: every attempt in the timeline with HTTP status and body, resend sends it again", async ({
  page,
  request,
}) => {
  const order = await createOrder(request, { price: "1.50", type: "alipay" }, NFAIL);
  await sandboxPay(request, order.order_id, 150, `NF-${uid()}`);
  await login(page, CONSOLE_USERS.ops);
  await page.goto(`/console/orders/${order.order_id}`);
  await expect(page.getByTestId("ev-payment")).toContainText("applied");
  await expect(page.getByTestId("ev-payment")).toContainText('"amount":"150"');
  await expect(page.getByTestId("ev-state")).toContainText("订单已支付");
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("ev-attempt")).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId("ev-attempt")).toContainText("第 1 次通知：失败，将重试，HTTP 200");
  await expect(page.getByTestId("ev-attempt")).toContainText("fail");

  await page.getByRole("button", { name: "重新发送通知" }).click();
  await expect(page.getByTestId("flash")).toHaveText("通知已重新排队发送。");
  await expect(page.getByTestId("ev-operator")).toContainText("ops 操作：重发通知");
  // The requeued delivery goes out at once (not 15 s later, as the retry schedule would have it).
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("ev-attempt")).toHaveCount(2, { timeout: 500 });
  }).toPass({ timeout: 10_000 });

  await page.getByRole("link", { name: "操作日志" }).click();
  await expect(page.getByTestId("audit-row").filter({ hasText: order.order_id }).first()).toContainText("重发通知");
  await expectNoAxeViolations(page);
});

test("credit a wrong-amount payment from review: the order is paid and the shop receives exactly one notification", async ({
  page,
  request,
}) => {
  const order = await createOrder(request, { price: "2.00", type: "alipay", custom: "short-payer" });
  const tradeNo = `SHORT-${uid()}`;
  await sandboxPay(request, order.order_id, 199, tradeNo);
  await login(page, CONSOLE_USERS.demoOp);
  await page.getByRole("link", { name: "待处理收款" }).first().click();
  const card = page.locator(`[data-trade-no="${tradeNo}"]`);
  await expect(card).toContainText("amount_mismatch");
  // In words, with the code beside them for support.
  await expect(card).toContainText("金额不符");
  await expectNoAxeViolations(page);

  const paymentId = await card.locator('input[name="payment_id"]').first().inputValue();
  // Two steps: the order to credit (prefilled with the payment's own order), then a confirmation naming both amounts.
  await expect(card.getByLabel("入账到订单号")).toHaveValue(order.order_id);
  await card.getByRole("button", { name: "下一步：确认入账" }).click();
  const credit = page.locator(`[data-trade-no="${tradeNo}"] form[action="/console/act/credit"]`);
  await credit.getByLabel("原因（必填）").fill("客户少付 1 分，同意入账");
  await credit.getByRole("button", { name: "确认入账", exact: true }).click();
  await expect(page.getByTestId("flash")).toHaveText("已入账，商户将收到一次通知。");
  await expect(page.locator(`[data-trade-no="${tradeNo}"]`)).toHaveCount(0);

  await expect.poll(async () => (await receipts(request, order.order_id)).length, { timeout: 15_000 }).toBe(1);
  const [receipt] = await receipts(request, order.order_id);
  expect(receipt).toMatchObject({
    verified: true,
    fields: { order_id: order.order_id, price: "2.00", realprice: "1.99", extend: "short-payer" },
  });

  // A second credit of the same payment (a replayed form) changes nothing.
  const again = await page.request.post("/console/act/credit", {
    form: {
      csrf: await csrfOf(page),
      payment_id: paymentId,
      order_id: order.order_id,
      reason: "again",
      back: "/console/review",
    },
    maxRedirects: 0,
  });
  expect(again.headers().location).toBe("/console/review?refused=payment_settled");

  await page.goto(`/console/orders/${order.order_id}`);
  await expect(page.getByTestId("ev-operator")).toContainText("demo-op 操作：入账");
  await expect(page.getByTestId("ev-operator")).toContainText("客户少付 1 分，同意入账");
  await expect(page.locator("h1")).toContainText("已支付");
  // Give the dispatcher time to misbehave: still exactly one notification.
  await page.waitForTimeout(1500);
  expect(await receipts(request, order.order_id)).toHaveLength(1);
});

test("dismiss a payment from review with a reason", async ({ page, request }) => {
  const order = await createOrder(request, { price: "4.00", type: "alipay" });
  const tradeNo = `DISMISS-${uid()}`;
  await sandboxPay(request, order.order_id, 1, tradeNo);
  await login(page, CONSOLE_USERS.ops);
  await page.goto("/console/review");
  const dismiss = page.locator(`[data-trade-no="${tradeNo}"] form[action="/console/act/dismiss"]`);
  await dismiss.getByLabel("原因（必填）").fill("测试付款，已退回");
  await dismiss.getByRole("button", { name: "忽略" }).click();
  await expect(page.getByTestId("flash")).toHaveText("已忽略。");
  await expect(page.locator(`[data-trade-no="${tradeNo}"]`)).toHaveCount(0);
});

test("a user scoped to one merchant gets 403 for another merchant's order and cannot act on it", async ({
  page,
  request,
}) => {
  const out = `console-scope-${uid()}`;
  const demoOrder = await createOrder(request, { price: "1.00", type: "alipay", out_order_id: out }, DEMO);
  await login(page, CONSOLE_USERS.nfailOp);
  const res = await page.goto(`/console/orders/${demoOrder.order_id}`);
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "无权访问" })).toBeVisible();
  await expect(page.getByText(demoOrder.order_id)).toHaveCount(0);
  await expectNoAxeViolations(page);

  await page.goto(`/console/orders?out_order_id=${out}&merchant=demo`);
  await expect(page.getByText("没有符合条件的订单。")).toBeVisible();
  const resend = await page.request.post("/console/act/resend", {
    form: { csrf: await csrfOf(page), order_id: demoOrder.order_id },
    maxRedirects: 0,
  });
  expect(resend.status()).toBe(403);
});

test("actions without the session's CSRF token, or from another site, are refused", async ({ page, request }) => {
  const order = await createOrder(request, { price: "1.00", type: "alipay" }, NFAIL);
  await login(page, CONSOLE_USERS.ops);
  const token = await csrfOf(page);
  const forms: Record<string, string>[] = [
    { order_id: order.order_id },
    { order_id: order.order_id, csrf: "forged-token-forged-token" },
  ];
  for (const form of forms) {
    const res = await page.request.post("/console/act/resend", { form, maxRedirects: 0 });
    expect(res.status()).toBe(403);
    expect(await res.text()).toBe("CSRF token missing or wrong");
  }
  const crossSite = await page.request.post("/console/act/resend", {
    form: { order_id: order.order_id, csrf: token },
    headers: { Origin: "https://evil.example" },
    maxRedirects: 0,
  });
  expect(crossSite.status()).toBe(403);
  // With the token, the same request goes through (to a redirect back to the order page).
  const ok = await page.request.post("/console/act/resend", {
    form: { order_id: order.order_id, csrf: token },
    maxRedirects: 0,
  });
  expect(ok.status()).toBe(303);
  // Nothing was logged for the refused attempts: only the accepted one.
  await page.goto(`/console/orders/${order.order_id}`);
  await expect(page.getByTestId("ev-operator")).toHaveCount(1);
});

test("channels page: provider, wallets, today's orders, breaker and monitor state; English too", async ({
  page,
  request,
}) => {
  // A WeChat order on the 三网 channel makes Paydesk ask the (emulated) monitor for a code: the monitor is heard from.
  await createOrder(request, { price: "1.00", type: "wxpay" }, PROVIDER_MERCHANT);
  await login(page, CONSOLE_USERS.ops);
  await page.getByRole("link", { name: "通道" }).click();
  const sandbox = page.getByTestId("channel-sandbox");
  await expect(sandbox).toContainText("sandbox");
  await expect(sandbox).toContainText("alipay, wxpay, qqpay");
  await expect(sandbox).toContainText("正常");
  await expect(page.getByTestId("channel-sw-wx").getByTestId("monitor-state")).toContainText("在线");
  await expect(page.getByTestId("channel-pj-ali").getByTestId("monitor-state")).toHaveText("—");
  // Health with reasons: today's upstream calls per channel, the monitor's heartbeat, the budget line.
  await expect(page.getByTestId("health-sw-wx")).toContainText("今日上游调用");
  await expect(page.getByTestId("health-sw-wx")).toContainText("监控端心跳");
  await expect(page.getByTestId("health-sandbox")).toContainText("今日额度");
  await expectNoAxeViolations(page);

  await page.getByRole("link", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Channels");
  await expect(page.getByTestId("channel-sandbox")).toContainText("Closed");
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: "中文" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("通道");
});

test("a shop whose notifications fail: 失败重试中 with the doctor's class, named on the overview, resent in bulk", async ({
  page,
  request,
}) => {
  const orders = [];
  for (let i = 0; i < 2; i++) {
    const o = await createOrder(request, { price: "1.10", type: "alipay" }, NFAIL);
    await sandboxPay(request, o.order_id, 110, `NFB-${uid()}`);
    orders.push(o);
  }
  await login(page, CONSOLE_USERS.ops);
  await page.goto(`/console/orders/${orders[0]!.order_id}`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("ev-attempt")).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  const state = page.getByTestId("notify-state");
  await expect(state).toHaveAttribute("data-state", "retrying");
  await expect(state).toContainText("失败重试中");
  await expect(state).toContainText("下次重试");
  await expect(state).toContainText("应答不是 success");
  await expect(page.getByTestId("ev-attempt").first().getByTestId("doctor-note")).toContainText("通讯密钥");

  await page.goto("/console");
  const shop = page.getByTestId("failing-shop-nfail");
  await expect(shop).toContainText("通知失败测试店");
  await expect(shop).toContainText("应答不是 success");
  await expect(page.locator('section[aria-labelledby="failing"]')).not.toContainText("发送中");
  await expectNoAxeViolations(page);
  await shop.getByRole("button", { name: /全部重发/ }).click();
  await expect(page.getByTestId("flash")).toContainText(/已将该商户的 \d+ 条通知重新排队发送。/);
  await page.getByRole("link", { name: "操作日志" }).click();
  await expect(page.getByTestId("audit-row").filter({ hasText: "批量重发通知" }).first()).toContainText("ops");

  // Scoped to nfail: another merchant's shop is refused, its own is not.
  await login(page, CONSOLE_USERS.nfailOp);
  const token = await csrfOf(page);
  const other = await page.request.post("/console/act/resend-shop", {
    form: { csrf: token, appkey: "demo" },
    maxRedirects: 0,
  });
  expect(other.status()).toBe(403);
  const own = await page.request.post("/console/act/resend-shop", {
    form: { csrf: token, appkey: "nfail" },
    maxRedirects: 0,
  });
  expect(own.status()).toBe(303);
});

test("alerts page: sinks with secrets masked, a test alert through the outbox shows the sink's answer", async ({
  page,
}) => {
  await login(page, CONSOLE_USERS.ops);
  await page.getByRole("link", { name: "告警" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("告警");
  await expect(page.getByRole("note").first()).toContainText("配置文件");
  const sink = page.getByTestId("sink-ops-hook");
  await expect(sink).toContainText("http://127.0.0.1:9/••••••");
  await expect(page.locator("body")).not.toContainText("e2e-webhook-secret-0123");
  await expectNoAxeViolations(page);
  await sink.getByRole("button", { name: /发送测试告警/ }).click();
  await expect(page.getByTestId("flash")).toContainText("测试告警");
  const id = new URL(page.url()).searchParams.get("alert");
  expect(id).toMatch(/^\d+$/);
  // Nothing listens at the sink: the delivery's answer is the refusal, and it waits for its retry.
  await expect(async () => {
    await page.reload();
    const delivery = page.getByTestId(`alert-${id}`).getByTestId("delivery-ops-hook");
    await expect(delivery).toContainText(/ops-hook：待发送，尝试 [1-9]\d* 次/, { timeout: 500 });
    await expect(delivery).toContainText(/ECONNREFUSED|bad port/, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await page.getByRole("link", { name: "操作日志" }).click();
  await expect(page.getByTestId("audit-row").filter({ hasText: "测试告警" }).first()).toContainText("ops-hook");

  await login(page, CONSOLE_USERS.nfailOp);
  await page.goto("/console/alerts");
  await expect(page.getByRole("note")).toContainText("只有可查看全部商户的操作员");
  const refused = await page.request.post("/console/act/test-alert", {
    form: { csrf: await csrfOf(page), sink: "ops-hook" },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(403);
});
