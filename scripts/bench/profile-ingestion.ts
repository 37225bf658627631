/**
 * CPU profile of create and notify ingestion over HTTP (`node --cpu-prof` on `next start`), printing the top self-time
 * functions. Needs a build (see bench-events.ts):
 *   npx tsx --conditions=react-server scripts/bench/profile-ingestion.ts
 */
import fs from "node:fs";
import path from "node:path";
import { closedLoop, rate } from "./load";
import { createOrder, FAST, FastShop, notifyPaid, startPaydesk, type Created } from "./stack";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function top(file: string, n: number): void {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const where = f.url
      .replace(/^.*node_modules\//, "")
      .replace(/^.*\.next\//, ".next/")
      .replace(/^file:\/\//, "");
    const key = `${f.functionName || "(anonymous)"} ${where}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`top self time in ${path.basename(file)} (${(total / 1e6).toFixed(1)} s sampled):`);
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${k.slice(0, 150)}`);
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync("/tmp/paydesk-prof-");
  const shop = new FastShop();
  await shop.start();
  const paydesk = await startPaydesk(`--cpu-prof --cpu-prof-dir=${dir}`);
  const orders: Created[] = [];
  const n = Number(process.env.PROFILE_N ?? 1500);
  console.log(
    `create:  ${rate(await closedLoop(n, 50, async (i) => void (orders[i] = await createOrder(FAST, `p-${Date.now()}-${i}`))))}`,
  );
  console.log(`notify:  ${rate(await closedLoop(n, 50, async (i) => notifyPaid(orders[i]!)))}`);
  await paydesk.stop();
  shop.stop();
  for (const f of fs.readdirSync(dir)) {
    const file = path.join(dir, f);
    if (fs.statSync(file).size > 100_000) top(file, Number(process.env.PROFILE_TOP ?? 40));
  }
}

void main().then(() => process.exit(0));
