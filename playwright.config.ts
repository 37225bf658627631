import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests run the production build (`next build` happens first, in scripts/test-all.sh) against a fresh
 * SQLite database and the e2e configuration, in Debian's Chromium (browsers are never downloaded here).
 */
export const E2E_PORT = 3210;
export const E2E_BASE = `http://localhost:${E2E_PORT}`;
/** A second Paydesk with no config file at all: what `npm start` gives a newcomer (demo merchant, sandbox). */
export const DEMO_PORT = 3230;
export const DEMO_BASE = `http://localhost:${DEMO_PORT}`;

const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results/e2e",
  use: {
    baseURL: E2E_BASE,
    launchOptions: chromium,
    trace: "retain-on-failure",
    ...devices["Desktop Chrome"],
    viewport: { width: 1280, height: 800 },
    // The payers Paydesk serves: the cashier answers Accept-Language, and its default language is zh-CN.
    locale: "zh-CN",
  },
  webServer: [
    {
      command: "rm -rf data/e2e && npx tsx e2e/support/e2e-stack.ts",
      url: `${E2E_BASE}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        PORT: String(E2E_PORT),
        PAYDESK_BASE_URL: E2E_BASE,
        PAYDESK_DATABASE_URL: "file:./data/e2e/paydesk.db",
        // e2e/support/e2e-stack.ts writes the effective config (e2e/paydesk.e2e.json + emulator channels) and sets PAYDESK_CONFIG.
        PAYDESK_DISPATCH_INTERVAL_MS: "200",
        PAYDESK_LOG_LEVEL: "warn",
      },
    },
    {
      // PAYDESK_CONFIG unset and no ./paydesk.config.json: the built-in demo merchant, exactly as on a fresh machine
      // (a set PAYDESK_CONFIG that cannot be read stops the start instead).
      command: `rm -rf data/e2e-demo && node scripts/server.mjs -p ${DEMO_PORT}`,
      url: `${DEMO_BASE}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        PORT: String(DEMO_PORT),
        PAYDESK_DATABASE_URL: "file:./data/e2e-demo/paydesk.db",
        PAYDESK_LOG_LEVEL: "warn",
      },
    },
  ],
});
