import { expect, test } from "@playwright/test";
import { createOrder, returnUrlVerifies } from "./support/merchant-api";
import { CONTROL_PORT, PROVIDER_MERCHANT } from "./support/stack-constants";

/**
 * One payment per wallet through a real provider protocol (the emulators of e2e/emulators, not the sandbox): the shop
 * creates the order, the payer opens pay_url, the emulator sends its provider's real signed notification, and the
 * payer's browser ends on the shop's return page with exactly one verified notification recorded there.
 */
const cases = [
  { wallet: "alipay", provider: "PAYJS", qrPattern: /^https:\/\/qr\.alipay\.com\// },
  { wallet: "wxpay", provider: "三网 monitor", qrPattern: /^wxp:\/\// },
  { wallet: "qqpay", provider: "JSJ", qrPattern: /^https:\/\/qpay\.qq\.com\// },
] as const;

for (const c of cases) {
  test(`${c.wallet} through ${c.provider}: pay_url → provider notify → return page`, async ({ page, request }) => {
    const order = await createOrder(
      request,
      { price: "1.23", type: c.wallet, custom: `buyer-${c.wallet}` },
      PROVIDER_MERCHANT,
    );
    expect(order.qr_content).toMatch(c.qrPattern);
    await page.goto(new URL(order.pay_url).pathname);
    await expect(page.getByText("1.23").first()).toBeVisible();

    const paid = await request.post(`http://127.0.0.1:${CONTROL_PORT}/pay`, {
      data: { wallet: c.wallet, order_id: order.order_id, qr: order.qr_content },
    });
    expect(paid.ok()).toBe(true);

    await page.waitForURL(/\/demo\/return\?/, { timeout: 30_000 });
    expect(returnUrlVerifies(page.url(), PROVIDER_MERCHANT)).toBe(true);
    await expect(page.getByTestId("return-verified")).toHaveText("验签通过");
    const receipts = (await (await request.get(`/demo/api/receipts?order_id=${order.order_id}`)).json()) as {
      receipts: { verified: boolean; fields: Record<string, string> }[];
    };
    expect(receipts.receipts).toHaveLength(1);
    expect(receipts.receipts[0]).toMatchObject({
      verified: true,
      fields: { price: "1.23", realprice: "1.23", type: c.wallet, extend: `buyer-${c.wallet}` },
    });
  });
}
