/**
 * The crash suite: Paydesk instances in child processes (test/support/crash-child.ts) are killed with SIGKILL at
 * random moments and restarted while a provider pays every order (resending each notification until it is acked
 * `success`, and once more after, as real providers do), and a shop counts what it receives. After the killing
 * stops and the survivors have had time to deliver, it counts what went wrong:
 *  - lost: an acked payment whose order is not paid, or a paid order the shop never heard of;
 *  - double applies: an order credited by more than one payment;
 *  - double deliveries: a notification sent again after its delivery was recorded (or recorded delivered twice).
 * It also counts crash re-sends: a kill between the shop's `success` and the instance recording it makes the next
 * instance send again — at-least-once delivery, which every shop must tolerate (retries:
 * docs/contract.md#merchant-notification). Small in lib/merchant-notify/crash.test.ts, 1,000 orders in
 * scripts/crash.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { md5 } from "@/lib/crypto/digest";
import { openDatabase, type DatabaseHandle } from "@/lib/storage/database";
import { CRASH_MERCHANT, CRASH_SANDBOX_KEY } from "./crash-config";
import { serveFetch } from "./http-server";
import { signedCreateParams } from "./merchant-client";
import { TEST_PG_URL, type TestDialect } from "./test-context";

export interface CrashReport {
  orders: number;
  kills: number;
  lostPayments: number;
  lostNotifications: number;
  doubleApplies: number;
  doubleDeliveries: number;
  /** Extra sends of a notification whose success a killed instance had not recorded yet (at-least-once, by design). */
  crashResends: number;
  /** Seconds from the last kill until every notification was delivered (or the wait gave up). */
  settleSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  child: ChildProcess;
  url: string | null;
}

function startInstance(dbUrl: string, schema: string, shopUrl: string, owner: string): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "test/support/crash-child.ts", dbUrl, schema, shopUrl, owner],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const instance: Instance = { child, url: null };
  let errors = "";
  child.stderr?.on("data", (c: Buffer) => (errors += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (c: Buffer) => {
      const m = /ready (\d+)/.exec(c.toString());
      if (m) {
        instance.url = `http://127.0.0.1:${m[1]}`;
        resolve(instance);
      }
    });
    child.once("exit", (code) => {
      instance.url = null;
      if (code !== null && code !== 0) reject(new Error(`crash child exited ${code}: ${errors.slice(0, 500)}`));
    });
  });
}

async function post(url: string, form: Record<string, string>): Promise<string | null> {
  try {
    const res = await fetch(url, {
      method: "POST",
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(5000),
    });
    return await res.text();
  } catch {
    return null; // the instance died under us: the sender retries elsewhere
  }
}

async function pool(n: number, concurrency: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await run(next++);
    }),
  );
}

export async function runCrash(opts: {
  orders: number;
  dialect: TestDialect;
  instances: number;
  killEveryMs: [number, number];
  settleTimeoutMs: number;
}): Promise<CrashReport> {
  const schema = opts.dialect === "postgres" ? `paydesk_crash_${randomBytes(5).toString("hex")}` : "-";
  const dbUrl =
    opts.dialect === "postgres"
      ? TEST_PG_URL
      : `file:${path.join(os.tmpdir(), `paydesk-crash-${randomBytes(6).toString("hex")}.db`)}`;
  const db: DatabaseHandle = await openDatabase(dbUrl, schema === "-" ? {} : { pgSchema: schema });

  const received = new Map<string, number>();
  const deliveries: { id: string; at: number }[] = [];
  const shop = await serveFetch(async (request) => {
    const f = new URLSearchParams(await request.text());
    const id = f.get("order_id") ?? "";
    received.set(id, (received.get(id) ?? 0) + 1);
    deliveries.push({ id, at: Date.now() });
    return new Response("success");
  });
  const shopUrl = `${shop.url}/notify`;

  const instances: Instance[] = [];
  for (let i = 0; i < opts.instances; i++) instances.push(await startInstance(dbUrl, schema, shopUrl, `i${i}-0`));
  const live = () => {
    const up = instances.filter((x) => x.url);
    return up[Math.floor(Math.random() * up.length)]?.url ?? null;
  };
  /** Sends to a live instance until `done(answer)`; instances come and go under the killer. */
  const sendUntil = async (
    pathname: string,
    form: Record<string, string>,
    done: (a: string) => boolean,
  ): Promise<string> => {
    for (;;) {
      const base = live();
      const answer = base ? await post(`${base}${pathname}`, form) : null;
      if (answer !== null && done(answer)) return answer;
      await sleep(30);
    }
  };

  const orderIds: string[] = [];
  await pool(opts.orders, 10, async (i) => {
    const answer = await sendUntil(
      "/api/cloudpay/create",
      signedCreateParams({ price: "1.00", type: "alipay", out_order_id: `c-${i}` }, CRASH_MERCHANT),
      (a) => a.includes('"code":100'),
    );
    orderIds[i] = (JSON.parse(answer) as { data: { order_id: string } }).data.order_id;
  });

  let paying = true;
  let kills = 0;
  let generation = 0;
  let lastKill = Date.now();
  const killer = (async () => {
    while (paying) {
      const [min, max] = opts.killEveryMs;
      await sleep(min + Math.random() * (max - min));
      if (!paying) break;
      const i = Math.floor(Math.random() * instances.length);
      const victim = instances[i]!;
      if (!victim.url) continue;
      victim.child.kill("SIGKILL");
      victim.url = null;
      kills += 1;
      lastKill = Date.now();
      generation += 1;
      instances[i] = await startInstance(dbUrl, schema, shopUrl, `i${i}-${generation}`);
    }
  })();

  const acked = new Set<string>();
  await pool(orderIds.length, 20, async (i) => {
    const fields = { order_id: orderIds[i]!, amount: "100", trade_no: `CR${i}` };
    const form = { ...fields, sign: md5(fields.order_id + fields.amount + fields.trade_no + CRASH_SANDBOX_KEY) };
    await sendUntil("/api/notify/sandbox", form, (a) => a === "success");
    acked.add(fields.order_id);
    // Providers resend even after a success ack (lost acks, their own retries): must be a no-op.
    await sendUntil("/api/notify/sandbox", form, (a) => a === "success");
  });
  // A short run may finish paying before the first kill: keep the killer going until it has killed at least once
  // (the instances are then still delivering notifications, which is the other half of what a kill can break).
  while (kills < 1) await sleep(20);
  paying = false;
  await killer;

  // Let the instances finish delivering; a notification leased by a killed instance waits for its lease to end.
  const settleStart = Date.now();
  for (;;) {
    const pending = await db.db.selectFrom("notifications").select("id").where("status", "!=", "delivered").execute();
    if (pending.length === 0 || Date.now() - settleStart > opts.settleTimeoutMs) break;
    await sleep(250);
  }
  const settleSeconds = (Date.now() - Math.max(lastKill, settleStart - 1)) / 1000;

  const orders = await db.db.selectFrom("orders").select(["id", "status"]).execute();
  const paid = new Set(orders.filter((o) => o.status === "paid").map((o) => o.id));
  const applied = await db.db.selectFrom("payments").select(["order_id"]).where("status", "=", "applied").execute();
  const appliedPerOrder = new Map<string, number>();
  for (const p of applied) if (p.order_id) appliedPerOrder.set(p.order_id, (appliedPerOrder.get(p.order_id) ?? 0) + 1);

  // A send after Paydesk recorded the delivery (or two recorded deliveries) is a real double delivery. A send whose
  // success the instance did not live to record is re-sent by design (at-least-once; shops ignore repeats).
  const notes = await db.db.selectFrom("notifications").select(["id", "order_id", "delivered_at"]).execute();
  const deliveredAttempts = await db.db
    .selectFrom("notification_attempts")
    .select(["notification_id"])
    .where("outcome", "=", "delivered")
    .execute();
  const attemptsPerNote = new Map<number, number>();
  for (const a of deliveredAttempts)
    attemptsPerNote.set(a.notification_id, (attemptsPerNote.get(a.notification_id) ?? 0) + 1);
  let doubleDeliveries = 0;
  for (const n of notes) {
    const late = deliveries.some((d) => d.id === n.order_id && n.delivered_at !== null && d.at > n.delivered_at);
    if (late || (attemptsPerNote.get(n.id) ?? 0) > 1) doubleDeliveries += 1;
  }
  for (const x of instances) x.child.kill("SIGKILL");
  await shop.close();
  await db.close();
  if (opts.dialect === "postgres") {
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  return {
    orders: orderIds.length,
    kills,
    lostPayments: [...acked].filter((id) => !paid.has(id)).length,
    lostNotifications: [...paid].filter((id) => !received.has(id)).length,
    doubleApplies: [...appliedPerOrder.values()].filter((n) => n > 1).length,
    doubleDeliveries,
    crashResends: [...received.values()].reduce((sum, n) => sum + n - 1, 0),
    settleSeconds: Math.round(settleSeconds),
  };
}
