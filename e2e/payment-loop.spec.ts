import { expect, test } from "@playwright/test";
import { createOrder, returnUrlVerifies } from "./support/merchant-api";

test("create through the API, simulate payment, land on the shop's return page with one verified notification", async ({
  page,
  request,
}) => {
  const order = await createOrder(request, { price: "0.50", type: "alipay", custom: "buyer-1" });
  await page.goto(new URL(order.pay_url).pathname);
  await expect(page.getByTestId("amount")).toContainText("0.50");
  await page.getByRole("button", { name: /模拟支付/ }).click();

  await page.waitForURL(/\/demo\/return\?/, { timeout: 20_000 });
  expect(returnUrlVerifies(page.url())).toBe(true);
  await expect(page.getByTestId("return-verified")).toHaveText("验签通过");
  await expect(page.getByTestId("notify-count")).toContainText("已收到 1 条验签通过的通知");

  const receipts = (await (await request.get(`/demo/api/receipts?order_id=${order.order_id}`)).json()) as {
    receipts: { verified: boolean; fields: Record<string, string> }[];
  };
  expect(receipts.receipts).toHaveLength(1);
  expect(receipts.receipts[0]).toMatchObject({
    verified: true,
    fields: { order_id: order.order_id, price: "0.50", extend: "buyer-1" },
  });
});
