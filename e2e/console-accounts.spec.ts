import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { generate } from "otplib";
import { expectNoAxeViolations } from "./support/console-kit";

/**
 * Accounts from an empty database, on a Paydesk of its own with no config file (the demo, as a newcomer starts it):
 * the setup link from the start log → the first owner → an operator created on the users page (first password
 * shown once) → the operator cannot open the users page (403) → the operator turns on TOTP and signs in with a code.
 * Screenshots of each new page go to PAYDESK_SHOTS_DIR (default test-results/shots/console-accounts).
 */
const PORT = 3590;
const BASE = `http://localhost:${PORT}`;
const DATA = path.join("data", "e2e-accounts");
const SHOTS = process.env.PAYDESK_SHOTS_DIR ?? path.join("test-results", "shots", "console-accounts");

test.describe.configure({ mode: "serial" });
test.use({ baseURL: BASE });

let server: ChildProcess | undefined;
let setupLink = "";

test.beforeAll(async () => {
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  // No PAYDESK_CONFIG (and no ./paydesk.config.json): the demo, with no console user.
  const { PAYDESK_CONFIG: _none, ...env } = process.env;
  server = spawn(process.execPath, ["scripts/server.mjs", "-p", String(PORT)], {
    env: {
      ...env,
      PORT: String(PORT),
      PAYDESK_BASE_URL: BASE,
      PAYDESK_DATABASE_URL: `file:./${DATA}/paydesk.db`,
      PAYDESK_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  setupLink = await new Promise<string>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`no setup link in the start log:\n${log}`)), 60_000);
    const read = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /(http:\/\/\S+\/console\/setup\?token=[A-Za-z0-9_-]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    server!.stdout!.on("data", read);
    server!.stderr!.on("data", read);
    server!.on("exit", (code) => reject(new Error(`server exited (${code}):\n${log}`)));
  });
});

test.afterAll(() => {
  server?.kill("SIGTERM");
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

async function signIn(page: Page, name: string, password: string, code?: string) {
  await page.goto("/console/login");
  await page.getByLabel("用户名").fill(name);
  await page.getByLabel("密码", { exact: true }).fill(password);
  if (code) await page.getByLabel("两步验证码（如已启用）").fill(code);
  await page.getByRole("button", { name: "登录" }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/console\/login\?out=1$/);
}

const OWNER = { name: "boss", password: "owner-password-1" };
let operatorPassword = "";
let totpSecret = "";

test("the demo home page links to the console, whose login page points to the setup link", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("console-link").click();
  await expect(page).toHaveURL(/\/console\/login$/);
  await expect(page.getByTestId("first-run")).toContainText("一次性设置链接");
  await shot(page, "login-first-run");
});

test("setup link → first owner, signed in; the link works once", async ({ page }) => {
  expect(setupLink).toMatch(new RegExp(`^${BASE}/console/setup\\?token=`));
  await page.goto(setupLink);
  await expect(page.getByRole("heading", { name: "创建第一个所有者" })).toBeVisible();
  await shot(page, "setup");
  await expectNoAxeViolations(page);
  await page.getByLabel("用户名").fill(OWNER.name);
  await page.getByLabel("密码（至少 10 位）").fill(OWNER.password);
  await page.getByLabel("再次输入密码").fill(OWNER.password);
  await page.getByRole("button", { name: "创建并登录" }).click();
  await expect(page).toHaveURL(/\/console\/account\?msg=welcome$/);
  await expect(page.getByTestId("signed-in-as")).toContainText(OWNER.name);
  await shot(page, "account-owner-welcome");

  await page.goto(setupLink);
  await expect(page.getByTestId("setup-invalid")).toBeVisible();
  await shot(page, "setup-used");
});

test("the owner creates an operator; its first password is shown once", async ({ page }) => {
  await signIn(page, OWNER.name, OWNER.password);
  await expect(page.getByTestId("signed-in-as")).toContainText(OWNER.name);
  await page.getByRole("link", { name: "用户", exact: true }).click();
  await expect(page).toHaveURL(/\/console\/users$/);
  const form = page.getByTestId("create-user-form");
  await form.getByLabel("用户名").fill("ops1");
  await form.getByLabel("角色").selectOption("operator");
  await form.locator('input[name="merchants"]').nth(1).check();
  await form.getByRole("button", { name: "创建" }).click();
  const once = page.getByTestId("once-password");
  await expect(once).toHaveText(/^[A-Za-z0-9_-]{16}$/);
  operatorPassword = (await once.textContent())!;
  await expect(page.getByText("初始密码只显示这一次")).toBeVisible();
  await shot(page, "users-created");
  await page.reload();
  await expect(page.getByTestId("once-password")).toHaveCount(0);
  await expect(page.locator('[data-testid="user-row"][data-user="ops1"]')).toContainText("后台");
  await shot(page, "users");
  await expectNoAxeViolations(page);
  await signOut(page);
});

test("the operator cannot open the users page, nor create a user by posting", async ({ page }) => {
  await signIn(page, "ops1", operatorPassword);
  await expect(page.getByTestId("signed-in-as")).toContainText("ops1");
  await expect(page.getByRole("link", { name: "用户", exact: true })).toHaveCount(0);
  const csrf = await page.locator('input[name="csrf"]').first().inputValue();
  const post = await page.request.post("/console/users/create", {
    form: { csrf, name: "sneaky", role: "owner", merchants: "*" },
    headers: { Origin: BASE },
    maxRedirects: 0,
  });
  expect(post.status()).toBe(403);
  const res = await page.goto("/console/users");
  expect(res?.status()).toBe(403);
  await shot(page, "users-forbidden-operator");
});

test("the operator turns on TOTP, then signs in with a code", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "ops1", operatorPassword);
  await page.getByRole("link", { name: "我的账户" }).click();
  await expect(page.getByRole("heading", { name: "我的账户", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "启用两步验证" }).click();
  totpSecret = (await page.getByTestId("totp-secret").textContent())!;
  expect(totpSecret).toMatch(/^[A-Z2-7]+=*$/);
  await shot(page, "account-totp-enrol");
  await expectNoAxeViolations(page);
  await page.getByLabel("6 位动态码").fill(await generate({ secret: totpSecret }));
  await page.getByRole("button", { name: "验证并启用" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await shot(page, "account-totp-recovery-codes");
  await page.reload();
  await expect(page.getByTestId("totp-on")).toBeVisible();
  await signOut(page);

  // The password alone is no longer enough.
  await signIn(page, "ops1", operatorPassword);
  await expect(page.getByTestId("login-error")).toContainText("已启用两步验证");
  await shot(page, "login-code-required");
  // A code is good once: wait for the next 30-second step after the one used to enrol.
  const step = Math.floor(Date.now() / 30_000);
  await page.waitForTimeout((step + 1) * 30_000 - Date.now() + 500);
  await signIn(page, "ops1", operatorPassword, await generate({ secret: totpSecret }));
  await expect(page.getByTestId("signed-in-as")).toContainText("ops1");
  await page.goto("/console/account");
  await expect(page.getByTestId("session-row").first()).toBeVisible();
  await shot(page, "account-sessions");
  await expectNoAxeViolations(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "account-phone");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/console/lang?to=en&back=/console/account");
  await expect(page.getByRole("heading", { name: "My account", level: 1 })).toBeVisible();
  await expect(page.getByTestId("totp-on")).toContainText("Recovery codes left: 10");
  await shot(page, "account-en");
});
