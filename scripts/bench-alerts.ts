/**
 * Alerts benchmark (prints figures; asserts nothing): the shop-notification figures of `npm run bench:events` with no
 * alert sink configured, beside the same run with every sink type configured and down (webhook and 钉钉 refused,
 * 企业微信 and Telegram hanging, SMTP accepting the connection and never greeting), while a burst of alerts (payments
 * kept for review) keeps the alert outbox busy. The claim it checks (docs/alerts.md): a sink that is down never
 * delays a payment or a shop notification, because alerts have their own delivery slots.
 *   PAYDESK_DIST_DIR=.next-h4 npx next build && PAYDESK_DIST_DIR=.next-h4 BENCH_PORT_BASE=3520 npm run bench:alerts
 * Options: BENCH_N=1000 (orders per throughput run), BENCH_SEQ=100 (sequential payments), BENCH_REVIEW=40 (alerts).
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import { md5 } from "@/lib/crypto/digest";
import { closedLoop, describeMs, request, sleep } from "./bench/load";
import {
  BASE,
  createOrder,
  FAST,
  FastShop,
  HANG,
  notifyPaid,
  PAYDESK_PORT,
  paymentToNotified,
  startHangingShop,
  startPaydesk,
  type Created,
} from "./bench/stack";

const N = Number(process.env.BENCH_N ?? 1000);
const SEQ = Number(process.env.BENCH_SEQ ?? 100);
const REVIEW = Number(process.env.BENCH_REVIEW ?? 40);
/** The dead sinks' ports, after Paydesk's and the shops' (BENCH_PORT_BASE + 1, + 10, + 11). */
const HANGING_SINK_PORT = PAYDESK_PORT + 14;
const REFUSED_SINK_PORT = PAYDESK_PORT + 15;
const run = `${Date.now()}`;

/** Every sink type, each pointing at a port that refuses or never answers. */
function deadSinks() {
  const hanging = `http://127.0.0.1:${HANGING_SINK_PORT}`;
  const refused = `http://127.0.0.1:${REFUSED_SINK_PORT}`;
  return {
    sinks: [
      { id: "hook", type: "webhook", url: `${refused}/hook`, secret: "bench-webhook-secret-0123" },
      { id: "wecom", type: "wecom", key: "bench", url: `${hanging}/cgi-bin/webhook/send` },
      { id: "ding", type: "dingtalk", access_token: "bench", secret: "SECbench", url: `${refused}/robot/send` },
      { id: "tg", type: "telegram", bot_token: "123456:bench", chat_id: 1, api_base: hanging },
      {
        id: "mail",
        type: "email",
        host: "127.0.0.1",
        port: HANGING_SINK_PORT,
        secure: false,
        from: "p@bench.test",
        to: ["o@bench.test"],
      },
    ],
    triggers: { daily_summary_hour: null },
  };
}

/**
 * Runs Paydesk with `alerts` merged into the settings file scripts/bench/stack.ts writes (the stack has no option for
 * it; wrapping the one write keeps bench-events' world exactly as it is).
 */
async function startWith(alerts: object | null) {
  const write = fs.writeFileSync;
  fs.writeFileSync = ((file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, ...rest: never[]) => {
    if (alerts && typeof file === "string" && file.endsWith("paydesk.bench.json") && typeof data === "string")
      data = JSON.stringify({ ...(JSON.parse(data) as object), alerts }, null, 2);
    return write(file, data, ...rest);
  }) as typeof fs.writeFileSync;
  try {
    return await startPaydesk(process.env.BENCH_NODE_ARGS ?? "");
  } finally {
    fs.writeFileSync = write;
  }
}

/** Payments of the wrong amount: each is kept for review and alerted once, to every sink. */
async function reviewBurst(tag: string): Promise<void> {
  for (let i = 0; i < REVIEW; i++) {
    const o = await createOrder(FAST, `r-${tag}-${run}-${i}`);
    const f = { order_id: o.orderId, amount: String(o.amountFen - 1), trade_no: `BR-${o.orderId}` };
    await request(`${BASE}/api/notify/sandbox`, {
      form: { ...f, sign: md5(f.order_id + f.amount + f.trade_no + "sandbox") },
    });
  }
}

interface Figures {
  delivered: string;
  rate: string;
  latency: string;
  hanging: string;
}

async function measure(shop: FastShop, tag: string): Promise<Figures> {
  const orders: Created[] = [];
  await closedLoop(N, 50, async (i) => {
    orders[i] = await createOrder(FAST, `c-${tag}-${run}-${i}`);
  });
  const first = Date.now();
  await closedLoop(N, 50, async (i) => notifyPaid(orders[i]!));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && orders.some((o) => !shop.notified.has(o.orderId))) await sleep(50);
  const times = orders.map((o) => shop.notified.get(o.orderId) ?? []);
  const last = Math.max(...times.map((t) => t[0] ?? 0));
  const once = times.filter((t) => t.length === 1).length;
  const latency: number[] = [];
  for (let i = 0; i < SEQ; i++) {
    const d = await paymentToNotified(shop, await createOrder(FAST, `l-${tag}-${run}-${i}`));
    if (!Number.isNaN(d)) latency.push(d);
  }
  for (let i = 0; i < 30; i++) await notifyPaid(await createOrder(HANG, `h-${tag}-${run}-${i}`));
  await sleep(300);
  const other: number[] = [];
  for (let i = 0; i < SEQ / 2; i++) {
    const d = await paymentToNotified(shop, await createOrder(FAST, `b-${tag}-${run}-${i}`));
    if (!Number.isNaN(d)) other.push(d);
  }
  return {
    delivered: `${times.filter((t) => t.length > 0).length}/${N} delivered, ${once} exactly once`,
    rate: `${(N / ((last - first) / 1000)).toFixed(0)}/s`,
    latency: describeMs(latency),
    hanging: describeMs(other),
  };
}

/** Dead sinks: one port that accepts and never answers (HTTP and SMTP alike), one with nothing listening. */
async function startDeadSinks(): Promise<{ connections: () => number; stop: () => void }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const hanging = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => hanging.listen(HANGING_SINK_PORT, "127.0.0.1", r));
  return {
    connections: () => connections,
    stop: () => {
      for (const s of sockets) s.destroy();
      hanging.close();
    },
  };
}

async function main(): Promise<void> {
  console.log(
    `Paydesk alerts benchmark: Node ${process.version}, ${os.cpus().length} CPUs (load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}), scripts/server.mjs on ${BASE}, SQLite, ${N} orders, ${SEQ} sequential`,
  );
  const shop = new FastShop();
  await shop.start();
  const hang = await startHangingShop();
  const sinks = await startDeadSinks();
  const rows: [string, Figures][] = [];
  try {
    for (const [label, alerts] of [
      ["no alert sinks", null],
      ["every sink down", deadSinks()],
    ] as const) {
      const paydesk = await startWith(alerts);
      try {
        await reviewBurst(label.replaceAll(" ", "-"));
        if (alerts) {
          // The trigger tick (every 30 s) turns the review payments into alerts: wait until the sinks are being tried.
          const until = Date.now() + 45_000;
          while (Date.now() < until && sinks.connections() === 0) await sleep(200);
          console.log(`  (${label}: the alert outbox is trying the sinks: ${sinks.connections()} connections so far)`);
        }
        rows.push([label, await measure(shop, label.replaceAll(" ", "-"))]);
        if (alerts) console.log(`  (${label}: ${sinks.connections()} connections to the hanging sinks in all)`);
      } finally {
        await paydesk.stop();
      }
    }
  } finally {
    shop.stop();
    hang.closeAllConnections();
    hang.close();
    sinks.stop();
  }
  const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - s.length));
  console.log(
    `\n${pad("", 18)}| ${pad("notifications to the fast shop", 44)}| ${pad("first payment → last delivery", 30)}`,
  );
  for (const [label, f] of rows) console.log(`${pad(label, 18)}| ${pad(f.delivered, 44)}| ${f.rate}`);
  console.log(`\n${pad("", 18)}| payment → fast shop notified (one at a time)`);
  for (const [label, f] of rows) console.log(`${pad(label, 18)}| ${f.latency}`);
  console.log(`\n${pad("", 18)}| one shop hanging (30 due): another shop's payment → notified`);
  for (const [label, f] of rows) console.log(`${pad(label, 18)}| ${f.hanging}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
