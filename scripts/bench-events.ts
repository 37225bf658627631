/**
 * Event-path benchmark (prints figures; asserts nothing). Runs scripts/server.mjs (what `npm start` runs) on the last build on port 4101 against a
 * temp SQLite database, with a fast shop (4110) and a hanging shop (4111) in this process:
 *   flock /tmp/paydesk-e2e.lock npx next build && npm run bench:events
 * (`npm run bench:events` raises the file-descriptor limit to the hard limit first: 10,000 held polls are 10,000
 * sockets on each side.) Options: BENCH_HELD=10000 BENCH_BURST=1000 BENCH_BROWSER=30 BENCH_N=2000 BENCH_BACKLOG=2000, and
 * BENCH_ONLY=throughput,latency,hanging,browser,held to run some sections.
 */
import os from "node:os";
import { browserFigures } from "./bench/browser";
import { tenThousand } from "./bench/held-polls";
import { closedLoop, describeMs, rate, request, sleep, timedLoop } from "./bench/load";
import {
  BASE,
  createOrder,
  FAST,
  FastShop,
  HANG,
  nosign,
  notifyPaid,
  paymentToNotified,
  startHangingShop,
  startPaydesk,
  type Created,
} from "./bench/stack";

const N = Number(process.env.BENCH_N ?? 2000);
const HELD = Number(process.env.BENCH_HELD ?? 10_000);
const BURST = Number(process.env.BENCH_BURST ?? 1000);
const BROWSER = Number(process.env.BENCH_BROWSER ?? 30);
const SEQ = 200;
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 2000);
/** Sections to run (default all): throughput,latency,hanging,browser,held. */
const ONLY = new Set((process.env.BENCH_ONLY ?? "throughput,latency,hanging,browser,held").split(","));
const run = `${Date.now()}`;

async function throughput(shop: FastShop): Promise<void> {
  const trivial = await timedLoop(5, 50, async () => {
    await request(`${BASE}/pay/api?id=P${"0".repeat(20)}`);
  });
  console.log(`  trivial route handler (GET /pay/api, a redirect), 50 in flight: ${rate(trivial)}`);
  const orders: Created[] = [];
  const create = await closedLoop(N, 50, async (i) => {
    orders[i] = await createOrder(FAST, `c-${run}-${i}`);
  });
  console.log(`  create over HTTP, 50 in flight, ${N} orders:              ${rate(create)}`);
  const firstNotify = Date.now();
  const notify = await closedLoop(N, 50, async (i) => notifyPaid(orders[i]!));
  console.log(`  sandbox notify ingestion over HTTP, 50 in flight:         ${rate(notify)}`);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && orders.some((o) => !shop.notified.has(o.orderId))) await sleep(50);
  const times = orders.map((o) => shop.notified.get(o.orderId) ?? []);
  const last = Math.max(...times.map((t) => t[0] ?? 0));
  const once = times.filter((t) => t.length === 1).length;
  console.log(
    `  notifications to the fast shop: ${times.filter((t) => t.length > 0).length} of ${N} delivered, ${once} exactly once, ` +
      `${(N / ((last - firstNotify) / 1000)).toFixed(0)}/s from the first payment to the last delivery`,
  );
  // The pool's own rate: a backlog of BACKLOG payments builds up while the shop holds its answers, then drains.
  const backlog: Created[] = [];
  await closedLoop(BACKLOG, 50, async (i) => {
    backlog[i] = await createOrder(FAST, `d-${run}-${i}`);
  });
  shop.hold();
  await closedLoop(BACKLOG, 50, async (i) => notifyPaid(backlog[i]!));
  await sleep(1000);
  const released = Date.now();
  shop.release();
  const drainDeadline = Date.now() + 120_000;
  while (Date.now() < drainDeadline && backlog.some((o) => !shop.notified.has(o.orderId))) await sleep(20);
  const drained = backlog.map((o) => shop.notified.get(o.orderId) ?? []);
  const drainLast = Math.max(...drained.map((t) => t[0] ?? 0));
  console.log(
    `  a backlog of ${BACKLOG} due (shop held its answers, then released): ${drained.filter((t) => t.length === 1).length} exactly once, ` +
      `drained at ${(BACKLOG / ((drainLast - released) / 1000)).toFixed(0)}/s`,
  );
  const pending: Created[] = [];
  await closedLoop(200, 20, async (i) => {
    pending[i] = await createOrder(FAST, `q-${run}-${i}`);
  });
  let k = 0;
  const classic = await timedLoop(5, 50, async () => {
    await nosign(pending[k++ % pending.length]!.orderId);
  });
  console.log(`  classic nosign poll (pending orders), 50 in flight:       ${rate(classic)}`);
}

async function latencies(shop: FastShop): Promise<void> {
  const held: number[] = [];
  const notified: number[] = [];
  for (let i = 0; i < SEQ; i++) {
    const o = await createOrder(FAST, `l-${run}-${i}`);
    const answer = (async () => {
      const v = await nosign(o.orderId, { status: "pending", wait: 30 });
      return { v, at: Date.now() };
    })();
    await sleep(20);
    const t0 = Date.now();
    const delivered = shop.notifiedAt(o.orderId);
    await notifyPaid(o);
    const { v, at } = await answer;
    if (v.status === "paid") held.push(at - t0);
    const d = await delivered;
    if (!Number.isNaN(d)) notified.push(d - t0);
  }
  console.log(`  notify → held poll answered:      ${describeMs(held)}`);
  console.log(`  payment → fast shop notified:     ${describeMs(notified)}`);
}

async function hangingShop(shop: FastShop): Promise<void> {
  const hanging: Created[] = [];
  for (let i = 0; i < 60; i++) hanging.push(await createOrder(HANG, `h-${run}-${i}`));
  await closedLoop(60, 10, async (i) => notifyPaid(hanging[i]!));
  await sleep(500);
  const other: number[] = [];
  for (let i = 0; i < 100; i++) {
    const d = await paymentToNotified(shop, await createOrder(FAST, `b-${run}-${i}`));
    if (!Number.isNaN(d)) other.push(d);
    await sleep(20);
  }
  console.log(`  one shop hanging (60 due): another shop's payment → notified: ${describeMs(other)}`);
}

async function main(): Promise<void> {
  console.log(
    `Paydesk event-path benchmark: Node ${process.version}, ${os.cpus().length} CPUs, scripts/server.mjs on ${BASE}, SQLite`,
  );
  const shop = new FastShop();
  await shop.start();
  const hang = await startHangingShop();
  const paydesk = await startPaydesk(process.env.BENCH_NODE_ARGS ?? "");
  try {
    if (ONLY.has("throughput")) {
      console.log("throughput:");
      await throughput(shop);
    }
    if (ONLY.has("latency")) {
      console.log("latency (one payer at a time):");
      await latencies(shop);
    }
    if (ONLY.has("hanging")) await hangingShop(shop);
    if (ONLY.has("browser") && BROWSER > 0) await browserFigures(shop, BROWSER);
    if (ONLY.has("held") && HELD > 0) {
      console.log(`${HELD} held polls on one instance:`);
      await tenThousand(paydesk.child.pid!, HELD, BURST);
    }
  } finally {
    await paydesk.stop();
    shop.stop();
    hang.closeAllConnections();
    hang.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
