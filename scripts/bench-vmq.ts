/**
 * V免签 channel benchmark (prints figures; asserts nothing but reports what it saw): concurrent creates of one price
 * on one vmq channel (each must get its own amount), then the monitor app's pushes through the real handler, with
 * the latency of each push's answer, on SQLite and (when reachable) PostgreSQL.
 *   npx tsx --conditions=react-server scripts/bench-vmq.ts
 */
import { performance } from "node:perf_hooks";
import { configFileSchema } from "@/lib/config/schema";
import { handleVmqMonitor } from "@/lib/http/monitor-handler";
import { md5 } from "@/lib/crypto/digest";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { javaYuan } from "@/test/support/emulators";
import { signedCreateParams } from "@/test/support/merchant-client";
import {
  openTestDatabase,
  postgresUnavailableReason,
  testAppConfig,
  testContext,
  type TestDialect,
} from "@/test/support/test-context";

const N = 100;
const CONCURRENCY = 20;
const KEY = "bench-app-key";

const file = configFileSchema.parse({
  merchants: [
    {
      appkey: "k1",
      appsecret: "s1secret",
      name: "Bench",
      notify_url: "http://127.0.0.1:9/n",
      return_url: "https://shop.example/r",
      channels: ["vmq1"],
    },
  ],
  channels: [
    { id: "vmq1", provider: "vmq", types: ["wxpay"], key: KEY, codes: { wxpay: "wxp://bench" }, max_offsets: N },
  ],
});

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function bench(dialect: TestDialect): Promise<void> {
  const db = await openTestDatabase(dialect);
  const ctx = testContext(db, testAppConfig(file));
  ctx.now = () => Date.now();
  const factory = () => Promise.resolve(ctx);
  const call = (path: string) => handleVmqMonitor(new Request(`http://x/api/vmq/vmq1/${path}`), "vmq1", factory);
  const t = String(Date.now());
  await call(`appHeart?t=${t}&sign=${md5(t + KEY)}`);

  const amounts: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        const order = await createOrder(
          ctx,
          signedCreateParams({ price: "10.00", type: "wxpay", out_order_id: `bv-${dialect}-${i}` }),
        );
        amounts.push(Math.round(Number(order.pay_amount) * 100));
      }
    }),
  );
  const createMs = performance.now() - started;
  const distinct = new Set(amounts).size;
  console.log(
    `${dialect.padEnd(8)} ${N} creates of 10.00, ${CONCURRENCY} at a time: ${createMs.toFixed(0)} ms, ${distinct} distinct amounts (${Math.min(...amounts)}–${Math.max(...amounts)} fen)`,
  );

  const latencies: number[] = [];
  let credited = 0;
  let ts = Date.now();
  for (const fen of amounts) {
    const price = javaYuan(fen);
    const tt = String(++ts);
    const before = performance.now();
    const res = await call(`appPush?t=${tt}&type=1&price=${price}&sign=${md5(`1${price}${tt}${KEY}`)}`);
    latencies.push(performance.now() - before);
    if (((await res.json()) as { code: number }).code === 1) credited++;
  }
  latencies.sort((a, b) => a - b);
  const paid = await Promise.all(
    Array.from({ length: N }, (_, i) => ctx.repos.orders.findOrderByMerchantRef("k1", `bv-${dialect}-${i}`)),
  );
  console.log(
    `${dialect.padEnd(8)} ${N} pushes: answer p50 ${pct(latencies, 50).toFixed(2)} ms, p99 ${pct(latencies, 99).toFixed(2)} ms; ${credited} acknowledged, ${paid.filter((o) => o?.status === "paid").length} orders paid`,
  );
  await db.close();
}

async function main(): Promise<void> {
  console.log(`V免签 channel, Node ${process.version}`);
  await bench("sqlite");
  const reason = await postgresUnavailableReason();
  if (reason) console.log(`postgres skipped: ${reason}`);
  else await bench("postgres");
}

void main();
