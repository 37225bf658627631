/**
 * Every merchant protocol's create and query, side by side in one run, against the production server
 * (scripts/server.mjs on the last build, a temp SQLite database, the sandbox channel; scripts/bench/stack.ts), each
 * signed as a shop signs it (prints figures; asserts nothing):
 *   creates at 50 in flight: 云端 `POST /api/cloudpay/create`, epay `POST /mapi.php`, V免签 `POST /vmq/{appkey}/createOrder`
 *   queries at 50 in flight: 云端 signed `GET /api/cloudpay/query`, epay `GET /api.php?act=order`, V免签 `getState`
 *     (what the brief of issue 18 compares) and `getOrder`
 * The kinds take turns, `BENCH_ROUNDS` rounds of `BENCH_SECONDS` each, so a noisy neighbour hits them all alike; the
 * rate printed is the median round's, the latencies are over every round. `cpu` is the server's CPU time (user +
 * system, /proc) per answer over every round: the figure that moves least when other processes share the machine.
 *   npx next build && npm run bench:protocols
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" npm run bench:protocols    (profiles the server)
 *   PAYDESK_FAST_LANE=0 npm run bench:protocols                                 (everything through Next.js)
 *   PAYDESK_DIST_DIR=.next-x BENCH_PORT_BASE=3500 npm run bench:protocols       (another build, other ports)
 */
import { createHash } from "node:crypto";
import os from "node:os";
import { signedRequest } from "@/test/support/epay-client";
import { signedCreateParams, signedLookupParams } from "@/test/support/merchant-client";
import { cpuSeconds, percentile, request, timedLoop, type LoadResult } from "./bench/load";
import { BASE, FAST, FAST_EPAY, FAST_VMQ, FastShop, FAST_SHOP_PORT, startPaydesk } from "./bench/stack";

const IN_FLIGHT = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const SHOP = `http://127.0.0.1:${FAST_SHOP_PORT}`;
/** `BENCH_ONLY=mapi,api.php` measures only the kinds whose label contains one of the words (to profile one path). */
const ONLY = (process.env.BENCH_ONLY ?? "").split(",").filter(Boolean);
const chosen = (k: Kind) => ONLY.length === 0 || ONLY.some((w) => k.label.includes(w));

// V免签's shop side is signed from its protocol alone (docs/protocols/vmq.md), not with Paydesk's own helpers.
const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

let seq = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

/** Created order ids per protocol, queried afterwards (a query of an order that exists, as shops make them). */
const created = { cloudpay: [] as { id: string; ref: string }[], epay: [] as string[], vmq: [] as string[] };
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

function parse<T>(body: string, ok: (b: T) => boolean, what: string): T {
  const parsed = JSON.parse(body) as T;
  if (!ok(parsed)) throw new Error(`${what}: ${body.slice(0, 200)}`);
  return parsed;
}

interface Kind {
  label: string;
  run: () => Promise<void>;
}

const creates: Kind[] = [
  {
    label: "云端 create",
    run: async () => {
      const ref = unique("c");
      const form = signedCreateParams({ price: "1.00", type: "alipay", out_order_id: ref, custom: "" }, FAST);
      const reply = await request(`${BASE}/api/cloudpay/create`, { form });
      const b = parse<{ code: number; data?: { order_id: string } }>(reply.body, (x) => x.code === 100, "云端 create");
      created.cloudpay.push({ id: b.data!.order_id, ref });
    },
  },
  {
    label: "epay mapi.php create",
    run: async () => {
      const form = signedRequest(
        "sdk",
        {
          type: "alipay",
          out_trade_no: unique("e"),
          notify_url: `${SHOP}/epay-notify`,
          return_url: `${SHOP}/return`,
          name: "bench",
          money: "1.00",
        },
        FAST_EPAY,
      );
      const reply = await request(`${BASE}/mapi.php`, { form });
      const b = parse<{ code: number; trade_no?: string }>(reply.body, (x) => x.code === 1, "mapi.php");
      created.epay.push(b.trade_no!);
    },
  },
  {
    label: "V免签 createOrder",
    run: async () => {
      const p = { payId: unique("v"), param: "", type: "2", price: "1.00" };
      const form = { ...p, sign: md5(p.payId + p.param + p.type + p.price + FAST_VMQ.key) };
      const reply = await request(`${BASE}/vmq/${FAST.appkey}/createOrder`, { form });
      const b = parse<{ code: number; data?: { orderId: string } }>(reply.body, (x) => x.code === 1, "createOrder");
      created.vmq.push(b.data!.orderId);
    },
  },
];

const expectOk = (label: string, ok: (b: { code: number }) => boolean) => async (url: string) =>
  void parse<{ code: number }>((await request(url)).body, ok, label);

const queries: Kind[] = [
  {
    label: "云端 query (signed)",
    run: () =>
      expectOk(
        "云端 query",
        (b) => b.code === 100,
      )(`${BASE}/api/cloudpay/query?${new URLSearchParams(signedLookupParams(pick(created.cloudpay).ref, FAST))}`),
  },
  {
    label: "epay api.php?act=order",
    run: () =>
      expectOk(
        "api.php",
        (b) => b.code === 1,
      )(
        `${BASE}/api.php?${new URLSearchParams({ act: "order", pid: FAST_EPAY.pid, key: FAST_EPAY.key, trade_no: pick(created.epay) })}`,
      ),
  },
  {
    label: "V免签 getState",
    run: () => {
      const t = String(Date.now());
      return expectOk(
        "getState",
        (b) => b.code === 1,
      )(`${BASE}/vmq/${FAST.appkey}/getState?${new URLSearchParams({ t, sign: md5(t + FAST_VMQ.key) })}`);
    },
  },
  {
    label: "V免签 getOrder",
    run: () =>
      expectOk("getOrder", (b) => b.code === 1)(`${BASE}/vmq/${FAST.appkey}/getOrder?orderId=${pick(created.vmq)}`),
  },
];

interface Rounds {
  rates: number[];
  all: LoadResult;
  /** The server's CPU seconds over every round. */
  cpu: number;
}

/** Each kind's rounds: the median round's rate, every round's latencies, the server's CPU spent on them. */
async function rounds(kinds: Kind[], serverCpu: () => number): Promise<Map<string, Rounds>> {
  const out = new Map(
    kinds.map((k) => [
      k.label,
      { rates: [] as number[], all: { perSecond: 0, latencies: [] as number[], errors: 0 }, cpu: 0 },
    ]),
  );
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of kinds) {
      const cpuBefore = serverCpu();
      const res = await timedLoop(SECONDS, IN_FLIGHT, k.run);
      const acc = out.get(k.label)!;
      acc.cpu += serverCpu() - cpuBefore;
      acc.rates.push(res.perSecond);
      acc.all.latencies.push(...res.latencies);
      acc.all.errors += res.errors;
    }
  }
  return out;
}

function line(label: string, r: Rounds, unit: string, target?: string): string {
  const sorted = [...r.rates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const ms = (p: number) => percentile(r.all.latencies, p).toFixed(0).padStart(4);
  const cpuMs = r.all.latencies.length ? ((r.cpu * 1000) / r.all.latencies.length).toFixed(2) : "-";
  return (
    `  ${label.padEnd(24)} ${median.toFixed(0).padStart(6)} ${unit}  p50 ${ms(50)} ms  p99 ${ms(99)} ms  cpu ${cpuMs} ms` +
    `  (rounds ${r.rates.map((x) => x.toFixed(0)).join(", ")}${r.all.errors ? `; ${r.all.errors} errors` : ""})` +
    (target ? `  ${target}` : "")
  );
}

function verdict(r: Rounds, minRate: number, maxP99?: number): string {
  const median = [...r.rates].sort((a, b) => a - b)[Math.floor(r.rates.length / 2)] ?? 0;
  const p99 = percentile(r.all.latencies, 99);
  const met = median >= minRate && (maxP99 === undefined || p99 <= maxP99);
  return `[target ≥ ${minRate}/s${maxP99 === undefined ? "" : `, p99 ≤ ${maxP99} ms`}: ${met ? "met" : "NOT met"}]`;
}

async function main(): Promise<void> {
  const shop = new FastShop();
  await shop.start();
  const paydesk = await startPaydesk(process.env.BENCH_NODE_ARGS ?? "");
  try {
    const lane = process.env.PAYDESK_FAST_LANE === "0" ? "off: everything through Next.js" : "on";
    console.log(
      `Paydesk merchant protocols, ${IN_FLIGHT} in flight, ${ROUNDS} rounds × ${SECONDS} s per kind, fast lane ${lane}; ` +
        `Node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}`,
    );
    // Warm-up: JIT, the statement cache, the limiter rows; its orders are queried later too.
    for (const k of creates) await timedLoop(1, 10, k.run);
    const serverCpu = () => cpuSeconds(paydesk.child.pid!);
    const c = await rounds(creates.filter(chosen), serverCpu);
    for (const k of queries.filter(chosen)) await timedLoop(1, 10, k.run);
    const q = await rounds(queries.filter(chosen), serverCpu);
    console.log("creates (orders/s, median round):");
    for (const k of creates.filter(chosen)) {
      const target = k.label.startsWith("epay") ? verdict(c.get(k.label)!, 450) : undefined;
      console.log(line(k.label, c.get(k.label)!, "/s", target));
    }
    console.log("queries (answers/s, median round):");
    for (const k of queries.filter(chosen)) {
      const target = k.label.startsWith("epay") ? verdict(q.get(k.label)!, 1400, 100) : undefined;
      console.log(line(k.label, q.get(k.label)!, "/s", target));
    }
    console.log(`load average after: ${os.loadavg()[0]!.toFixed(2)}`);
  } finally {
    await paydesk.stop();
    shop.stop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
