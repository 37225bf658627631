#!/usr/bin/env bash
# Every Paydesk test: types, lint and formatting (ESLint, Prettier), unit/integration (vitest, SQLite and
# PostgreSQL), the production build, and the browser end-to-end suite (Playwright in Debian's Chromium). Ends with one
# summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
status=0

echo "== typecheck"
npx tsc --noEmit || status=1

echo "== lint"
# ESLint holds the style and the architecture's import boundaries (eslint.config.mjs); Prettier the formatting.
npx eslint --max-warnings 0 . || status=1
npx prettier --check . || status=1

echo "== unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

if [ -x /usr/bin/chromium ]; then
  echo "== production build"
  if npx next build; then
    echo "== browser tests (Playwright, /usr/bin/chromium)"
    PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json npx playwright test --reporter=list,json || status=1
  else
    status=1
  fi
else
  echo "== browser tests SKIPPED: /usr/bin/chromium is missing (install it with: apt-get install -y chromium)"
  rm -f test-results/playwright.json
fi

node scripts/test-summary.mjs test-results/vitest.json test-results/playwright.json || status=1
exit $status
