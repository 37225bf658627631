/**
 * Regenerates the README pictures in docs/screenshots from the e2e run: builds nothing itself (run `npx next build`
 * first, as for every e2e run), then runs e2e/cashier-screenshots.spec.ts, the failure and offline specs
 * (cashier-failures, cashier-pending-extras) and e2e/console-screenshots.spec.ts with PAYDESK_SCREENSHOTS_DIR set.
 * Needs a CJK font for Chromium (Debian: fonts-wqy-microhei or fonts-noto-cjk), or the Chinese text renders as boxes.
 *   npx tsx scripts/screenshots.ts
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dir = path.resolve("docs/screenshots");
fs.mkdirSync(dir, { recursive: true });
const fonts = spawnSync("fc-list", [":lang=zh"], { encoding: "utf8" });
if (!fonts.stdout?.trim())
  console.warn("warning: no CJK font found (fc-list :lang=zh); Chinese text will render as boxes");
const run = spawnSync(
  "npx",
  [
    "playwright",
    "test",
    "e2e/cashier-screenshots.spec.ts",
    // The failure states and the offline banner are pictured where they are tested (one serial run each).
    "e2e/cashier-failures.spec.ts",
    "e2e/cashier-pending-extras.spec.ts",
    "e2e/console-screenshots.spec.ts",
    "--workers=1",
  ],
  {
    stdio: "inherit",
    env: { ...process.env, PAYDESK_SCREENSHOTS_DIR: dir },
  },
);
if (run.status !== 0) process.exit(run.status ?? 1);
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".png"))) {
  console.log(`${path.join("docs/screenshots", f)}  ${fs.statSync(path.join(dir, f)).size} bytes`);
}
