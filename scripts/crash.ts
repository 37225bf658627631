/**
 * The full crash run (prints figures; the suite runs a small one): 1,000 orders paid while instances are killed with
 * SIGKILL at random moments and restarted — on SQLite with one instance, and on PostgreSQL with two.
 *   npm run crash [-- orders]
 */
import { runCrash } from "@/test/support/crash-harness";
import { postgresUnavailableReason } from "@/test/support/test-context";

async function main(): Promise<void> {
  const orders = Number(process.argv[2] ?? 1000);
  const runs: ["sqlite" | "postgres", number][] = [["sqlite", 1]];
  const reason = await postgresUnavailableReason();
  if (reason) console.log(`postgres skipped: ${reason}`);
  else runs.push(["postgres", 2]);
  for (const [dialect, instances] of runs) {
    const started = Date.now();
    const r = await runCrash({ orders, dialect, instances, killEveryMs: [100, 500], settleTimeoutMs: 120_000 });
    console.log(
      `${dialect}, ${instances} instance(s): ${r.orders} orders paid, ${r.kills} kill -9 → lost payments ${r.lostPayments}, lost notifications ${r.lostNotifications}, ` +
        `double applies ${r.doubleApplies}, double deliveries ${r.doubleDeliveries}; at-least-once re-sends after a kill mid-delivery ${r.crashResends}; ` +
        `settled ${r.settleSeconds} s after the last kill (${((Date.now() - started) / 1000).toFixed(0)} s total)`,
    );
  }
}

void main();
