// Adds up the vitest and Playwright JSON reports into one closing line: "tests: N passed, N failed, N skipped".
import fs from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
/** Names of failing tests, printed last: CI keeps only the tail of a long log. */
const failures = [];
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) continue;
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  if ("numPassedTests" in report) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    if (report.numFailedTestSuites && !report.numFailedTests) failed += report.numFailedTestSuites;
    for (const suite of report.testResults ?? []) {
      if (suite.status === "failed" && !(suite.assertionResults ?? []).some((t) => t.status === "failed"))
        failures.push(`${suite.name}: ${(suite.message ?? "").split("\n")[0]}`);
      for (const t of suite.assertionResults ?? [])
        if (t.status === "failed")
          failures.push(`${suite.name} › ${t.fullName}: ${(t.failureMessages?.[0] ?? "").split("\n")[0]}`);
    }
  } else if (report.stats) {
    passed += report.stats.expected + (report.stats.flaky ?? 0);
    failed += report.stats.unexpected;
    skipped += report.stats.skipped;
  }
}
for (const f of failures) console.log(`FAILED ${f.slice(0, 400)}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
