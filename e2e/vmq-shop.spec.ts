import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { CONTROL_PORT, VMQ_E2E } from "./support/stack-constants";

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");
const control = `http://127.0.0.1:${CONTROL_PORT}`;

test("a V免签 shop: isHtml=1 order → cashier with the exact amount to type → monitor app push → verified return and notify", async ({
  page,
  request,
}) => {
  // The monitor app beats every 2 s from the stack's start; wait until Paydesk counts it as online.
  await expect
    .poll(
      async () => {
        const t = String(Date.now());
        const res = await request.get(`/vmq/${VMQ_E2E.appkey}/getState?t=${t}&sign=${md5(t + VMQ_E2E.shopKey)}`);
        return ((await res.json()) as { data?: { jkstate?: string } }).data?.jkstate;
      },
      { timeout: 15_000 },
    )
    .toBe("1");

  const shop = ((await (await request.get(`${control}/vmq/shop`)).json()) as { url: string }).url;
  await page.goto(`${shop}/buy?price=1.00&type=1`);
  await page.waitForURL(/\/pay\/[A-Za-z0-9]+$/);

  // A free-amount code: the amount is the biggest thing on the page and typing it is a step of its own.
  const amount = (await page.getByTestId("amount").innerText()).replace(/[^\d.]/g, "");
  expect(amount).toMatch(/^1\.\d\d$/);
  await expect(page.getByText(`输入金额 ${amount} 元（必须一分不差）`)).toBeVisible();
  await expect(page.getByTestId("amount-warning")).toBeVisible();

  // The payer pays that amount in WeChat; the phone app reports it with Java's number format.
  const fen = Math.round(Number(amount.replace(".", "")));
  const pushed = await request.post(`${control}/vmq/push`, { data: { wallet: "wxpay", fen } });
  expect(((await pushed.json()) as { answer: { code: number } }).answer.code).toBe(1);

  await page.waitForURL(new RegExp(`^${shop}/return\\?`), { timeout: 20_000 });
  await expect(page.getByTestId("vmq-return-verified")).toHaveText("验签通过");
  await expect(page.getByTestId("vmq-notify-count")).toHaveText("已收到 1 条验签通过的通知");
  await expect(page.getByTestId("vmq-really-price")).toHaveText(amount);
});
