/**
 * The benchmark's world: a fast shop and a hanging shop (node:http in this process) and a Paydesk (scripts/server.mjs)
 * on the last build (the `PAYDESK_DIST_DIR` folder, `.next` by default), against a temp SQLite database, on ports of the
 * 4100–4199 range (`BENCH_PORT_BASE=3500` moves Paydesk to 3501 and the shops to 3510/3511: benches side by side).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createSign } from "@/lib/merchant-api/cloudpay/cloudpay-sign";
import { md5 } from "@/lib/crypto/digest";
import { request, sleep } from "./load";

const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4100);
export const PAYDESK_PORT = PORT_BASE + 1;
export const FAST_SHOP_PORT = PORT_BASE + 10;
export const HANG_SHOP_PORT = PORT_BASE + 11;
export const BASE = `http://127.0.0.1:${PAYDESK_PORT}`;

export const FAST = { appkey: "fast", appsecret: "fast-secret-bench-at-least-32-characters" } as const;
export const HANG = { appkey: "hang", appsecret: "hang-secret-bench-at-least-32-characters" } as const;
/** The fast shop's epay (`pid` + key) and V免签 (communication key) credentials: scripts/bench-protocols.ts. */
export const FAST_EPAY = { pid: "1000", key: "fast-epay-key-bench-at-least-32-chars" } as const;
export const FAST_VMQ = { key: "fast-vmq-key-bench" } as const;

/** When each order's notification and its payer's return reached the fast shop (ms, Date.now()). */
export class FastShop {
  readonly notified = new Map<string, number[]>();
  readonly returned = new Map<string, number>();
  private readonly listeners = new Set<(kind: "notify" | "return", orderId: string, at: number) => void>();
  private server?: http.Server;
  /** While held, notifications are received but answered only on release() (a backlog builds up behind them). */
  private held: (() => void)[] | undefined;

  hold(): void {
    this.held ??= [];
  }

  /** Answers the held notifications and stops holding. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const answer of held) answer();
  }

  on(listener: (kind: "notify" | "return", orderId: string, at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when this shop has received `orderId`'s notification (the time it did; NaN after `timeoutMs`). */
  notifiedAt(orderId: string, timeoutMs = 20_000): Promise<number> {
    const known = this.notified.get(orderId)?.[0];
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => (off(), resolve(Number.NaN)), timeoutMs);
      const off = this.on((kind, id, at) => {
        if (kind === "notify" && id === orderId) {
          clearTimeout(timer);
          off();
          resolve(at);
        }
      });
    });
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const at = Date.now();
      if (req.method === "POST") {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const orderId = new URLSearchParams(Buffer.concat(chunks).toString()).get("order_id") ?? "";
          const answer = () => {
            const now = Date.now();
            const list = this.notified.get(orderId) ?? [];
            list.push(now);
            this.notified.set(orderId, list);
            res.end("success");
            for (const l of this.listeners) l("notify", orderId, now);
          };
          if (this.held) this.held.push(answer);
          else answer();
        });
        return;
      }
      const orderId = new URL(req.url ?? "/", "http://x").searchParams.get("order_id") ?? "";
      if (!this.returned.has(orderId)) this.returned.set(orderId, at);
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end("<!doctype html><title>shop</title><p>thanks</p>");
      for (const l of this.listeners) l("return", orderId, at);
    });
    await new Promise<void>((r) => this.server!.listen(FAST_SHOP_PORT, "127.0.0.1", r));
  }

  stop(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

/** A shop whose notify URL accepts the connection and never answers. */
export async function startHangingShop(): Promise<http.Server> {
  const server = http.createServer(() => undefined);
  await new Promise<void>((r) => server.listen(HANG_SHOP_PORT, "127.0.0.1", r));
  return server;
}

function configFile(dir: string): string {
  const shop = `http://127.0.0.1:${FAST_SHOP_PORT}`;
  const merchant = (m: { appkey: string; appsecret: string }, notify: string) => ({
    ...m,
    name: m.appkey,
    notify_url: notify,
    return_url: `${shop}/return`,
    order_ttl_seconds: 7200,
    channels: ["sandbox"],
  });
  const file = path.join(dir, "paydesk.bench.json");
  const config = {
    merchants: [
      { ...merchant(FAST, `${shop}/notify`), epay: FAST_EPAY, vmq: FAST_VMQ },
      merchant(HANG, `http://127.0.0.1:${HANG_SHOP_PORT}/notify`),
    ],
    channels: [{ id: "sandbox", provider: "sandbox", key: "sandbox", types: ["alipay", "wxpay", "qqpay"] }],
    // Every simulated payer comes from 127.0.0.1: the per-IP payer limit would measure the limiter, not the path.
    limits: { payer_per_ip_per_minute: 1_000_000 },
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export interface Paydesk {
  child: ChildProcess;
  dir: string;
  stop(): Promise<void>;
}

/** `scripts/server.mjs` (what `npm start` runs) on this worktree's build, its fd limit raised to the hard limit (10,000 held polls need 10,000 fds). */
export async function startPaydesk(nodeArgs = ""): Promise<Paydesk> {
  // scripts/server.mjs serves the build next.config.ts names: the same variable.
  const distDir = process.env.PAYDESK_DIST_DIR || ".next";
  if (!fs.existsSync(path.join(distDir, "BUILD_ID")))
    throw new Error(`no build in ${distDir}: run \`PAYDESK_DIST_DIR=${distDir} npx next build\` first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paydesk-bench-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PAYDESK_PORT),
    PAYDESK_BASE_URL: BASE,
    PAYDESK_DATABASE_URL: `file:${path.join(dir, "paydesk.db")}`,
    PAYDESK_CONFIG: configFile(dir),
    PAYDESK_LOG_LEVEL: "error",
    PAYDESK_NOTIFY_TIMEOUT_MS: "30000",
  };
  const cmd = `ulimit -n "$(ulimit -Hn)" && exec node ${nodeArgs} scripts/server.mjs -p ${PAYDESK_PORT} -H 127.0.0.1`;
  const child = spawn("bash", ["-c", cmd], { env, stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; i < 200; i++) {
    await sleep(150);
    try {
      if ((await request(`${BASE}/api/health`)).status === 200) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error("paydesk exited at start");
  }
  return {
    child,
    dir,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

export interface Created {
  orderId: string;
  amountFen: number;
}

/** POST /api/cloudpay/create, signed as a shop would. */
export async function createOrder(m: { appkey: string; appsecret: string }, outOrderId: string): Promise<Created> {
  const p = { appkey: m.appkey, price: "1.00", type: "alipay", out_order_id: outOrderId, custom: "" };
  const reply = await request(`${BASE}/api/cloudpay/create`, { form: { ...p, sign: createSign(p, m.appsecret) } });
  const body = JSON.parse(reply.body) as { code: number; msg: string; data?: { order_id: string; pay_amount: string } };
  if (body.code !== 100 || !body.data) throw new Error(`create failed: ${body.msg}`);
  return { orderId: body.data.order_id, amountFen: Math.round(Number(body.data.pay_amount) * 100) };
}

/** The sandbox provider's notify for a created order (what a real provider's callback does). */
export async function notifyPaid(o: Created, tradeNo = `BT-${o.orderId}`): Promise<void> {
  const f = { order_id: o.orderId, amount: String(o.amountFen), trade_no: tradeNo };
  const reply = await request(`${BASE}/api/notify/sandbox`, {
    form: { ...f, sign: md5(f.order_id + f.amount + f.trade_no + "sandbox") },
  });
  if (reply.body.trim() !== "success") throw new Error(`notify refused: ${reply.body.slice(0, 100)}`);
}

/** The public status query; with `status`/`wait` a held poll. */
/** Pays `o` and times it until the fast shop has the notification (ms; NaN when it never came). */
export async function paymentToNotified(shop: FastShop, o: Created): Promise<number> {
  const t0 = Date.now();
  const delivered = shop.notifiedAt(o.orderId);
  await notifyPaid(o);
  return (await delivered) - t0;
}

export async function nosign(
  orderId: string,
  hold?: { status: string; wait: number },
  signal?: AbortSignal,
): Promise<{ status: string; return_url?: string }> {
  const q = new URLSearchParams({
    order_id: orderId,
    sign: "nosign",
    ...(hold ? { status: hold.status, wait: String(hold.wait) } : {}),
  });
  const reply = await request(`${BASE}/api/cloudpay/query?${q}`, { signal });
  const body = JSON.parse(reply.body) as { code: number; data?: { status: string; return_url?: string } };
  if (body.code !== 100 || !body.data) throw new Error("query failed");
  return body.data;
}
