import { createHash } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_SANDBOX_KEY } from "./cashier-kit";

/** The console users of e2e/paydesk.e2e.json (hashes made with `npm run admin -- hash-password`). */
export const CONSOLE_USERS = {
  ops: { name: "ops", password: "ops-password-e2e" },
  demoOp: { name: "demo-op", password: "demo-password-e2e" },
  nfailOp: { name: "nfail-op", password: "other-password-e2e" },
} as const;

/** A merchant whose notify_url always answers `fail` (the demo shop does not know it), so its deliveries retry. */
export const NFAIL = { appkey: "nfail", appsecret: "nfail-e2e-secret-at-least-32-characters" } as const;

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

export async function login(page: Page, user: { name: string; password: string }): Promise<void> {
  await page.goto("/console/login");
  await page.getByLabel("用户名").fill(user.name);
  await page.getByLabel("密码").fill(user.password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(user.name);
}

/** Pays an order the way the sandbox provider does: sign = md5(order_id + amount + trade_no + key), amount in fen. */
export async function sandboxPay(
  request: APIRequestContext,
  orderId: string,
  amountFen: number,
  tradeNo: string,
): Promise<void> {
  const f = { order_id: orderId, amount: String(amountFen), trade_no: tradeNo };
  const res = await request.post("/api/notify/sandbox", {
    form: { ...f, sign: md5(f.order_id + f.amount + f.trade_no + E2E_SANDBOX_KEY) },
  });
  expect(await res.text()).toBe("success");
}

/** What the demo shop received and verified for an order. */
export async function receipts(
  request: APIRequestContext,
  orderId: string,
): Promise<{ verified: boolean; fields: Record<string, string> }[]> {
  const body = (await (await request.get(`/demo/api/receipts?order_id=${orderId}`)).json()) as {
    receipts: { verified: boolean; fields: Record<string, string> }[];
  };
  return body.receipts;
}

/** The CSRF token the page's forms carry. */
export async function csrfOf(page: Page): Promise<string> {
  return page.locator('input[name="csrf"]').first().inputValue();
}

export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}
