/**
 * The full fuzz run (prints figures; the suite runs a small one): 100,000 random requests over every route on
 * SQLite, and 20,000 more on PostgreSQL when it is reachable.
 *   npm run fuzz [-- requests] [seed]
 */
import { runFuzz } from "@/test/support/fuzz-harness";
import { postgresUnavailableReason } from "@/test/support/test-context";

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 100_000);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  for (const [dialect, n] of [
    ["sqlite", runs],
    ["postgres", Math.ceil(runs / 5)],
  ] as const) {
    if (dialect === "postgres") {
      const reason = await postgresUnavailableReason();
      if (reason) {
        console.log(`postgres skipped: ${reason}`);
        continue;
      }
    }
    const started = Date.now();
    const r = await runFuzz({ runs: n, dialect, seed });
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    console.log(
      `${dialect}: ${r.requests} requests in ${secs} s (seed ${seed}) → 5xx: ${r.fiveXX}, state changes from unsigned input: ${r.stateChanges}`,
    );
    console.log(
      `  per route: ${Object.entries(r.byRoute)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    for (const e of r.examples) console.log(`  example: ${e}`);
  }
}

void main();
