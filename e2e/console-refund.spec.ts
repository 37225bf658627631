import { createHash } from "node:crypto";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { CONSOLE_USERS, login, sandboxPay } from "./support/console-kit";
import { createOrder } from "./support/merchant-api";
import { CONTROL_PORT, PROVIDER_MERCHANT } from "./support/stack-constants";

/**
 * A refund from the console on a PAYJS order (the e2e stack's `pj-ali` channel and its emulator): amount and reason,
 * a confirmation that shows paid, refunded and what remains, then the refund — which reaches the emulator exactly
 * once, is listed on the order, and shows in the shop's signed query (`refunded`, `net`).
 */
const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** The PAYJS emulator's address, from the configuration the e2e stack wrote (e2e/support/e2e-stack.ts). */
function payjsBase(): string {
  const config = JSON.parse(fs.readFileSync("data/e2e/paydesk.config.json", "utf8")) as {
    channels: { id: string; base_url?: string }[];
  };
  const base = config.channels.find((c) => c.id === "pj-ali")?.base_url;
  if (!base) throw new Error("pj-ali channel missing from the e2e config");
  return base;
}

test("a console refund of a PAYJS order reaches PAYJS once and the shop's query shows it", async ({
  page,
  request,
}) => {
  const out = `refund-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const order = await createOrder(request, { price: "3.50", type: "alipay", out_order_id: out }, PROVIDER_MERCHANT);
  const paid = await request.post(`http://127.0.0.1:${CONTROL_PORT}/pay`, {
    data: { wallet: "alipay", order_id: order.order_id, qr: order.qr_content },
  });
  expect(paid.ok()).toBe(true);

  await login(page, CONSOLE_USERS.ops);
  await page.goto(`/console/orders/${order.order_id}`);
  const refunds = page.locator("section", { has: page.locator("#refunds") });
  await expect(refunds.getByTestId("refund-totals")).toContainText("¥3.50");
  await expect(refunds).toContainText("原路退回");
  await refunds.getByLabel("退款金额（元）").fill("3.50");
  await refunds.getByLabel("退款原因").fill("客户退货");
  await refunds.getByRole("button", { name: "下一步：确认" }).click();

  const confirm = page.getByTestId("refund-confirm");
  await expect(confirm).toContainText("将退款 ¥3.50。实收 ¥3.50，已退款 ¥0.00，退款后剩余 ¥0.00。");
  fs.mkdirSync("/tmp/shots/h5", { recursive: true });
  await confirm.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/shots/h5/refund-confirm.png", fullPage: true });
  await confirm.getByRole("button", { name: "确认退款" }).click();

  await expect(page.getByTestId("op-flash")).toHaveText("退款成功。");
  await expect(page.getByTestId("refund-list")).toContainText("已退款");
  await expect(refunds).toContainText("该订单已全部退款。");
  await page.screenshot({ path: "/tmp/shots/h5/refund-done.png", fullPage: true });

  const upstream = (await (
    await request.get(`${payjsBase()}/__emulator/refunds?out_trade_no=${order.order_id}`)
  ).json()) as { refunds: { signatureValid: boolean; refunded: boolean }[] };
  expect(upstream.refunds).toEqual([{ payjs_order_id: expect.any(String), signatureValid: true, refunded: true }]);

  // The shop's signed query (云端: sign = md5(md5(appkey + out_order_id) + appsecret)).
  const sign = md5(md5(PROVIDER_MERCHANT.appkey + out) + PROVIDER_MERCHANT.appsecret);
  const query = (await (
    await request.get(`/api/cloudpay/query?appkey=${PROVIDER_MERCHANT.appkey}&out_order_id=${out}&sign=${sign}`)
  ).json()) as { code: number; data: Record<string, unknown> };
  expect(query.code).toBe(100);
  expect(query.data).toMatchObject({ status: "paid", realprice: "3.50", refunded: "3.50", net: "0.00" });
});

test("review: expected and received side by side, a candidate order, and a confirmation before the credit", async ({
  page,
  request,
}) => {
  const order = await createOrder(request, { price: "2.00", type: "alipay", custom: "short-payer-refund-spec" });
  const tradeNo = `SHORT-R-${Date.now()}`;
  await sandboxPay(request, order.order_id, 199, tradeNo);
  await login(page, CONSOLE_USERS.demoOp);
  await page.goto("/console/review");
  const card = page.locator(`[data-trade-no="${tradeNo}"]`);
  await expect(card.getByTestId("review-amounts")).toContainText("应收¥2.00");
  await expect(card.getByTestId("review-amounts")).toContainText("实收¥1.99");
  await expect(card.getByTestId("review-candidates")).toContainText(order.order_id);
  // Nothing credits in one click: the candidate's link opens the confirmation first.
  await expect(card.getByRole("button", { name: "确认入账", exact: true })).toHaveCount(0);
  await card.getByTestId("review-candidates").getByRole("link", { name: "入账到此订单…" }).first().click();
  const confirm = page.locator(`[data-trade-no="${tradeNo}"]`).getByTestId("review-confirm");
  await expect(confirm).toContainText(`把这笔 ¥1.99 的收款入账到订单 ${order.order_id}（应收 ¥2.00）`);
  await page.screenshot({ path: "/tmp/shots/h5/review-confirm.png", fullPage: true });
  const form = page.locator(`[data-trade-no="${tradeNo}"] form[action="/console/act/credit"]`);
  await form.getByLabel("原因（必填）").fill("客户少付 1 分，同意入账");
  await form.getByRole("button", { name: "确认入账", exact: true }).click();
  await expect(page.getByTestId("flash")).toHaveText("已入账，商户将收到一次通知。");
});
