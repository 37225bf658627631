/**
 * The console's CSV export at size (issue 21): 100,000 orders in a temp SQLite file (and a temp PostgreSQL schema
 * when the local server answers), then `GET /console/export/orders.csv` through the real handler
 * (lib/http/console-export-routes.ts) as a signed-in operator, the body read to the end as a browser would. Prints
 * rows, bytes, seconds and the peak RSS and heap (sampled every 10 ms) against the figures before the export: the
 * export reads one keyset page at a time, so the peak should not grow with the table. Asserts only the row count.
 *   npm run bench:export
 *   BENCH_ORDERS=300000 npm run bench:export
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CONSOLE_COOKIE, startConsoleSession } from "@/lib/console/console-session";
import { consoleExportRoutes } from "@/lib/http/console-export-routes";
import { configFileSchema } from "@/lib/config/schema";
import { hashPassword } from "@/lib/console/password";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { toRow } from "@/lib/storage/order-rows";
import type { Order } from "@/lib/storage/records";
import { orderRecord } from "@/test/support/order-record";
import { openTestDatabase, postgresUnavailableReason, testAppConfig, testContext } from "@/test/support/test-context";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const BATCH = 500;
const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const order = (over: Partial<Order>): Order => orderRecord({ payload: "qr", status: "pending", ...over });

async function fill(db: DatabaseHandle): Promise<void> {
  const start = Date.UTC(2026, 11, 1);
  for (let i = 0; i < ORDERS; i += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, ORDERS - i) }, (_, j) => {
      const n = i + j;
      const paid = n % 3 === 0;
      return toRow(
        order({
          id: `B${String(n).padStart(8, "0")}`,
          out_order_id: `shop-${n}`,
          name: `商品 ${n % 97}`,
          status: paid ? "paid" : "pending",
          price_fen: 100 + (n % 5000),
          pay_amount_fen: 100 + (n % 5000),
          real_fen: paid ? 100 + (n % 5000) : null,
          created_at: start + n * 1000,
          expires_at: start + n * 1000 + 300_000,
          paid_at: paid ? start + n * 1000 + 30_000 : null,
        }),
      );
    });
    await db.db.insertInto("orders").values(rows).execute();
  }
}

async function run(label: string, db: DatabaseHandle): Promise<void> {
  const t0 = performance.now();
  await fill(db);
  const fillSeconds = (performance.now() - t0) / 1000;
  const config = testAppConfig(
    configFileSchema.parse({
      merchants: [{ appkey: "k1", appsecret: "s1secret", name: "One", channels: ["c1"] }],
      channels: [{ id: "c1", provider: "sandbox", types: ["alipay"] }],
      console: {
        users: [{ name: "ops", password_hash: await hashPassword(randomBytes(12).toString("hex")), merchants: ["k1"] }],
      },
    }),
  );
  const ctx = testContext(db, config);
  const { sealed } = await startConsoleSession(ctx, config.consoleUsers[0]!);
  const { exportOrdersRoute } = consoleExportRoutes(() => Promise.resolve(ctx));

  globalThis.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  // On SQLite every await in the export is a microtask (the driver is synchronous), so a timer may never fire
  // while it runs: each chunk read samples too.
  const sampler = setInterval(sample, 10);

  const started = performance.now();
  const res = await exportOrdersRoute(
    new Request("http://paydesk.test/console/export/orders.csv", {
      headers: { cookie: `${CONSOLE_COOKIE}=${sealed}` },
    }),
  );
  if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}`);
  let bytes = 0;
  let lines = 0;
  const reader = res.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    bytes += next.value.byteLength;
    sample();
    for (const b of next.value) if (b === 0x0a) lines += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const rows = lines - 1;
  if (rows !== ORDERS) throw new Error(`exported ${rows} rows of ${ORDERS}`);
  console.log(
    `${label}: ${rows} rows, ${MB(bytes)} (${bytes} bytes) in ${seconds.toFixed(2)} s ` +
      `(${Math.round(rows / seconds)} rows/s); peak RSS ${MB(peakRss)} (before ${MB(before.rss)}, +${MB(peakRss - before.rss)}), ` +
      `peak heap ${MB(peakHeap)} (before ${MB(before.heapUsed)}, +${MB(peakHeap - before.heapUsed)}); ` +
      `filling the table took ${fillSeconds.toFixed(1)} s`,
  );
}

async function main(): Promise<void> {
  const file = path.join(os.tmpdir(), `paydesk-bench-export-${randomBytes(6).toString("hex")}.db`);
  const sqlite = await openDatabase(`file:${file}`);
  try {
    await run("SQLite", sqlite);
  } finally {
    await sqlite.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }

  const pgReason = await postgresUnavailableReason();
  if (pgReason) console.log(`PostgreSQL skipped: ${pgReason}`);
  else {
    const pgDb = await openTestDatabase("postgres");
    try {
      await run("PostgreSQL", pgDb);
    } finally {
      await pgDb.close();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
