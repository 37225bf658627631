/**
 * Throughput benchmark (prints figures; asserts nothing): merchant creates and provider notifications through the
 * real handler functions, on SQLite and (when reachable) PostgreSQL, sequentially and 20 at a time. SQLite runs twice,
 * with synchronous=NORMAL and with FULL (Paydesk's setting), and prints what FULL's durability costs.
 *   npm run bench
 */
import { performance } from "node:perf_hooks";
import { handleNotify } from "@/lib/http/provider-notify-handler";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { md5 } from "@/lib/crypto/digest";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { signedCreateParams } from "@/test/support/merchant-client";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { openTestDatabase, postgresUnavailableReason, testContext } from "@/test/support/test-context";

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

type Run = "sqlite NORMAL" | "sqlite FULL" | "postgres";

function open(run: Run): Promise<DatabaseHandle> {
  if (run === "postgres") return openTestDatabase("postgres");
  const file = path.join(os.tmpdir(), `paydesk-bench-${randomBytes(6).toString("hex")}.db`);
  return openDatabase(`file:${file}`, { sqliteSynchronous: run === "sqlite FULL" ? "FULL" : "NORMAL" });
}

/** Per label: payments/s, to compare FULL with NORMAL. */
const notifyRates = new Map<string, number>();

async function bench(dialect: Run): Promise<void> {
  const db = await open(dialect);
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
      `${dialect.padEnd(13)} create  ${label.padEnd(14)} ${(N / (ms / 1000)).toFixed(0).padStart(6)} orders/s  (${(ms / N).toFixed(2)} ms each)`,
    );
    const notifyMs = await inBatches(N, concurrency, async (i) => {
      const f = { order_id: ids[base + i]!, amount: "100", trade_no: `BT-${label}-${i}` };
      const body = new URLSearchParams({ ...f, sign: md5(f.order_id + f.amount + f.trade_no + "sandbox") }); // the test sandbox channel has no key: the demo default
      await handleNotify(new Request("http://x/api/notify/sandbox", { method: "POST", body }), "sandbox", () =>
        Promise.resolve(ctx),
      );
    });
    notifyRates.set(`${dialect} ${label}`, N / (notifyMs / 1000));
    console.log(
      `${dialect.padEnd(13)} notify  ${label.padEnd(14)} ${(N / (notifyMs / 1000)).toFixed(0).padStart(6)} payments/s (${(notifyMs / N).toFixed(2)} ms each)`,
    );
  }
  await db.close();
}

async function main(): Promise<void> {
  console.log(`Paydesk throughput, ${N} orders per run, Node ${process.version}`);
  await bench("sqlite NORMAL");
  await bench("sqlite FULL");
  for (const label of ["sequential", `${CONCURRENCY} at a time`]) {
    const normal = notifyRates.get(`sqlite NORMAL ${label}`) ?? 0;
    const full = notifyRates.get(`sqlite FULL ${label}`) ?? 0;
    console.log(
      `synchronous=FULL costs ${(100 * (1 - full / normal)).toFixed(0)}% of notify throughput ${label} (${normal.toFixed(0)} → ${full.toFixed(0)} payments/s)`,
    );
  }
  const reason = await postgresUnavailableReason();
  if (reason) console.log(`postgres skipped: ${reason}`);
  else await bench("postgres");
  const mem = process.memoryUsage();
  console.log(`rss ${(mem.rss / 1048576).toFixed(0)} MiB, heap used ${(mem.heapUsed / 1048576).toFixed(0)} MiB`);
}

void main();
