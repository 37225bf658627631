/** notify → the cashier page shows "paid", and → the payer is back at the shop, in Debian's Chromium. */
import { chromium } from "@playwright/test";
import { describeMs } from "./load";
import { BASE, createOrder, FAST, notifyPaid, type FastShop } from "./stack";

const PAID_TEXT = "支付成功";

export async function browserFigures(shop: FastShop, n: number): Promise<void> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  const shown: number[] = [];
  const back: number[] = [];
  // One tab for every payer, navigated from order to order (closing pages and contexts stalls headless Chromium here).
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  let paidAt = 0;
  await page.exposeFunction("__benchStatus", (text: string) => {
    if (text === PAID_TEXT) paidAt ||= Date.now();
  });
  // Reports the live status text on every change (a MutationObserver in the page, calling back into this process).
  await page.addInitScript(() => {
    let last = "";
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="live-status"]')?.textContent?.trim() ?? "";
      if (text === last) return;
      last = text;
      void (window as unknown as { __benchStatus: (t: string) => Promise<void> }).__benchStatus(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  try {
    for (let i = 0; i < n; i++) {
      const o = await createOrder(FAST, `br-${Date.now()}-${i}`);
      await page.goto(`${BASE}/pay/${o.orderId}`).catch(() => page.goto(`${BASE}/pay/${o.orderId}`));
      await page.getByTestId("live-status").waitFor({ state: "attached" });
      // Let the page settle into its status query before paying, as a real payer scanning the code would.
      await page.waitForTimeout(300);
      paidAt = 0;
      const returned = new Promise<number>((resolve) => {
        const off = shop.on((kind, id, at) => {
          if (kind === "return" && id === o.orderId) {
            off();
            resolve(at);
          }
        });
      });
      const t0 = Date.now();
      await notifyPaid(o);
      const backAt = await Promise.race([
        returned,
        new Promise<number>((r) => setTimeout(() => r(Number.NaN), 20_000)),
      ]);
      for (let w = 0; w < 50 && !paidAt; w++) await new Promise((r) => setTimeout(r, 20));
      if (paidAt) shown.push(paidAt - t0);
      if (!Number.isNaN(backAt)) back.push(backAt - t0);
      // Let the redirect to the shop finish before the next payer's navigation.
      await page.waitForURL(/\/return\?/, { timeout: 5_000 }).catch(() => undefined);
      await page.waitForLoadState("load").catch(() => undefined);
    }
  } finally {
    await browser.close();
  }
  console.log(`  notify → page shows paid (Chromium):          ${describeMs(shown)}`);
  console.log(`  notify → payer back at the shop (acks at once): ${describeMs(back)}`);
}
