/**
 * Throughput benchmark (prints figures; asserts nothing): merchant creates and provider notifications through the
 * real handler functions, on SQLite and (when reachable) PostgreSQL, sequentially and 20 at a time.
 *   npm run bench
 */
import { performance } from "node:perf_hooks";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { md5 } from "@/lib/merchant-protocol/sign";
import { createOrder } from "@/lib/orders/create-order";
import { signedCreateParams } from "@/test/support/merchant-client";
import {
  openTestDatabase,
  postgresUnavailableReason,
  testContext,
  type TestDialect,
} from "@/test/support/test-context";

const N = 400;
const CONCURRENCY = 20;

async function inBatches(n: number, concurrency: number, run: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await run(next++);
    }),
  );
  return performance.now() - started;
}

async function bench(dialect: TestDialect): Promise<void> {
  const db = await openTestDatabase(dialect);
  const ctx = testContext(db);
  ctx.now = () => Date.now();
  const create = merchantHandler(createOrder, () => Promise.resolve(ctx));
  const ids: string[] = [];
  for (const [label, concurrency] of [
    ["sequential", 1],
    [`${CONCURRENCY} at a time`, CONCURRENCY],
  ] as const) {
    const base = ids.length;
    const ms = await inBatches(N, concurrency, async (i) => {
      const body = new URLSearchParams(
        signedCreateParams({ price: "1.00", type: "alipay", out_order_id: `b-${label}-${i}` }),
      );
      const res = (await (await create(new Request("http://x/api", { method: "POST", body }))).json()) as {
        data: { order_id: string };
      };
      ids.push(res.data.order_id);
    });
    console.log(
      `${dialect.padEnd(8)} create  ${label.padEnd(14)} ${(N / (ms / 1000)).toFixed(0).padStart(6)} orders/s  (${(ms / N).toFixed(2)} ms each)`,
    );
    const notifyMs = await inBatches(N, concurrency, async (i) => {
      const f = { order_id: ids[base + i]!, amount: "100", trade_no: `BT-${label}-${i}` };
      const body = new URLSearchParams({ ...f, sign: md5(f.order_id + f.amount + f.trade_no + "sandbox") });
      await handleNotify(new Request("http://x/api/notify/sandbox", { method: "POST", body }), "sandbox", () =>
        Promise.resolve(ctx),
      );
    });
    console.log(
      `${dialect.padEnd(8)} notify  ${label.padEnd(14)} ${(N / (notifyMs / 1000)).toFixed(0).padStart(6)} payments/s (${(notifyMs / N).toFixed(2)} ms each)`,
    );
  }
  await db.close();
}

async function main(): Promise<void> {
  console.log(`Paydesk throughput, ${N} orders per run, Node ${process.version}`);
  await bench("sqlite");
  const reason = await postgresUnavailableReason();
  if (reason) console.log(`postgres skipped: ${reason}`);
  else await bench("postgres");
  const mem = process.memoryUsage();
  console.log(`rss ${(mem.rss / 1048576).toFixed(0)} MiB, heap used ${(mem.heapUsed / 1048576).toFixed(0)} MiB`);
}

void main();
