/**
 * 10,000 held polls open on one instance, as 10,000 cashier pages would hold them (each re-issued when it answers),
 * then 1,000 of those orders paid in a burst: is every one of them answered, and how fast?
 */
import http from "node:http";
import { closedLoop, cpuSeconds, describeMs, percentile, request, rssMiB, sleep } from "./load";
import { BASE, createOrder, FAST, notifyPaid, type Created } from "./stack";

const WAIT_S = 25;

interface Page {
  order: Created;
  status: string;
  answeredPaidAt: number;
}

async function heldPolls(): Promise<number> {
  const reply = await request(`${BASE}/api/health`);
  return (JSON.parse(reply.body) as { held_polls?: number }).held_polls ?? -1;
}

export async function tenThousand(pid: number, total: number, burst: number): Promise<void> {
  console.log(`  creating ${total} orders…`);
  const orders: Created[] = [];
  await closedLoop(total, 50, async (i) => {
    orders[i] = await createOrder(FAST, `hp-${Date.now()}-${i}`);
  });
  const rssBefore = rssMiB(pid);
  // One socket per page, no keep-alive pooling limits: each held poll is its own connection, as in browsers.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const pages: Page[] = orders.map((order) => ({ order, status: "pending", answeredPaidAt: 0 }));
  let stopped = false;
  let errors = 0;
  const loops = pages.map(async (p) => {
    while (!stopped && p.status === "pending") {
      try {
        const q = new URLSearchParams({
          order_id: p.order.orderId,
          sign: "nosign",
          status: p.status,
          wait: String(WAIT_S),
        });
        const reply = await request(`${BASE}/api/cloudpay/query?${q}`, { agent });
        const body = JSON.parse(reply.body) as { data?: { status: string } };
        if (body.data?.status === "paid") p.answeredPaidAt = Date.now();
        p.status = body.data?.status ?? p.status;
      } catch {
        errors++;
        await sleep(1000);
      }
    }
  });
  const opening = Date.now();
  let open = 0;
  while (Date.now() - opening < 60_000) {
    open = await heldPolls();
    if (open >= total) break;
    await sleep(250);
  }
  console.log(
    `  held polls open: ${open} of ${total} after ${((Date.now() - opening) / 1000).toFixed(1)} s (errors ${errors})`,
  );
  await sleep(2000);
  const cpu0 = cpuSeconds(pid);
  const idleMs = 5000;
  await sleep(idleMs);
  const cpuIdle = ((cpuSeconds(pid) - cpu0) / (idleMs / 1000)) * 100;
  console.log(
    `  idle with ${open} held: RSS ${rssMiB(pid).toFixed(0)} MiB (${rssBefore.toFixed(0)} MiB before opening them), CPU ${cpuIdle.toFixed(1)} % of one core`,
  );

  const paid = pages.slice(0, burst);
  const sentAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  const t0 = Date.now();
  await closedLoop(paid.length, 50, async (i) => {
    const p = paid[i]!;
    sentAt.set(p.order.orderId, Date.now());
    await notifyPaid(p.order);
    ackAt.set(p.order.orderId, Date.now());
  });
  const ingestS = (Date.now() - t0) / 1000;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && paid.some((p) => !p.answeredPaidAt)) await sleep(50);
  const answered = paid.filter((p) => p.answeredPaidAt);
  const fromAck = answered.map((p) => p.answeredPaidAt - ackAt.get(p.order.orderId)!);
  const fromSend = answered.map((p) => p.answeredPaidAt - sentAt.get(p.order.orderId)!);
  console.log(
    `  burst: ${burst} paid in ${ingestS.toFixed(1)} s (${(burst / ingestS).toFixed(0)} notifies/s); answered ${answered.length} of ${burst}`,
  );
  console.log(
    `  wake-up, payment committed (notify answered) → held poll answered: ${describeMs(fromAck, [50, 95, 99])}`,
  );
  console.log(
    `  wake-up, notify sent → held poll answered:                         ${describeMs(fromSend, [50, 95, 99])}`,
  );
  const stillHeld = await heldPolls();
  console.log(
    `  the other ${total - burst} still held: ${stillHeld} (p99 wake-up ${percentile(fromAck, 99).toFixed(0)} ms)`,
  );
  stopped = true;
  agent.destroy();
  await Promise.race([Promise.allSettled(loops), sleep(2000)]);
}
