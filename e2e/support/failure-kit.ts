import { createHash } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { EPAY_SHOP_PORT } from "./stack-constants";

/**
 * The epay merchants of e2e/paydesk.e2e.json whose channels fail upstream (issue 23):
 * - `down` (pid 1001): Alipay only through `down-payjs` (a PAYJS emulator a spec starts on port 4391, refused
 *   otherwise), QQ only through `down-jsj` (nothing listens), WeChat through the stack's working 三网 emulator
 *   (`sw-wx`); timeout_url set, framable by the 3211 host.
 * - `down2` (pid 1002): every wallet down (云端 upstream for Alipay; 个码付 then 三网 for WeChat); no timeout_url.
 */
export const DOWN = { pid: "1001", key: "e2e-down-epay-key-0123456789abcdef" } as const;
export const DOWN2 = { pid: "1002", key: "e2e-down2-epay-key-0123456789abcde" } as const;
export const DOWN_PAYJS = { port: 4391, mchid: "1560000009", key: "e2e-down-payjs-key" } as const;
export const TIMEOUT_PAGE = "http://localhost:3210/demo/timeout";

const SHOP = `http://127.0.0.1:${EPAY_SHOP_PORT}`;
const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** A submit.php link as the official SDK signs it (sorted fields, empty ones left out, then the key). */
export function submitUrl(merchant: { pid: string; key: string }, fields: Record<string, string>): string {
  const all: Record<string, string> = {
    pid: merchant.pid,
    out_trade_no: `D${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    notify_url: `${SHOP}/notify`,
    return_url: `${SHOP}/return`,
    name: "月付套餐",
    money: "12.00",
    ...fields,
  };
  const keys = Object.keys(all)
    .filter((k) => all[k] !== "")
    .sort();
  const sign = md5(keys.map((k) => `${k}=${all[k]}`).join("&") + merchant.key);
  return `/submit.php?${new URLSearchParams({ ...all, sign, sign_type: "MD5" })}`;
}

/**
 * What a payer must never read: provider names, channel ids, transport words and merchant codes (the detail of a
 * failure is for the log and the console's order timeline).
 */
export const INTERNAL =
  /PAYJS|JSJ|金沙江|个码付|三网|云端|上游|无法连接|连接失败|HTTP|fetch|ECONN|timeout|超时|应答|队列|208|204|Error|down-|sw-wx|monitor|undefined|null/i;

export async function expectNothingInternal(page: Page, label: string): Promise<void> {
  // The order number is random letters and digits: it may contain "208" by chance, and it is the payer's to see.
  const text = (await page.locator("body").innerText()).replace(/\b[A-Za-z0-9]{24}\b/g, "<order>");
  expect(text, label).not.toMatch(INTERNAL);
}
