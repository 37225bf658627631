import { md5Hex } from "./emulator-kit";

/**
 * The V免签 monitor app, emulated from docs/protocols/vmq.md#monitor-app (independent of lib/): it calls the server,
 * never the other way round. `host` is what the user types in the app (e.g. `http://127.0.0.1:3210/api/vmq/vmq1`); the
 * app appends `/appHeart?…` and `/appPush?…` to it. It sends a heartbeat every `heartbeatMs`, reports payments with
 * Java's `Double.toString` amounts, never retries, and can re-send a push exactly as before (what the real app does
 * when a notification is posted twice).
 */
export interface VmqMonitorOptions {
  host: string;
  key: string;
  /** The app beats every ~30 s; tests go faster. */
  heartbeatMs?: number;
  /** The app's clock (ms), settable so tests can send from a skewed phone. */
  clock?: () => number;
}

export type VmqWallet = "wxpay" | "alipay";

export interface VmqAnswer {
  status: number;
  body: string;
  /** The parsed `{code, msg}` envelope, when the body is one. */
  code: number | null;
  msg: string | null;
}

export interface VmqPush {
  url: string;
  t: string;
  price: string;
  answer: VmqAnswer;
}

export interface VmqMonitor {
  heartbeat(opts?: { badSign?: boolean; t?: number }): Promise<VmqAnswer>;
  /** Starts the heartbeat loop (one beat at once, then every `heartbeatMs`). */
  startHeartbeats(): void;
  stopHeartbeats(): void;
  /** Reports a payment of `fen` to the wallet: `price` goes out as Java's Double.toString of the yuan amount. */
  push(wallet: VmqWallet, fen: number, opts?: { badSign?: boolean; t?: number }): Promise<VmqPush>;
  /** Sends the last push's URL again, byte for byte. */
  resend(): Promise<VmqAnswer>;
  readonly heartbeats: number;
  close(): Promise<void>;
}

/** Java `Double.toString` of `fen / 100` for amounts below 10^7 yuan: "10.0", "0.01", "12.5", "10.05". */
export function javaYuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  if (cents === 0) return `${whole}.0`;
  if (cents % 10 === 0) return `${whole}.${cents / 10}`;
  return `${whole}.${String(cents).padStart(2, "0")}`;
}

const WALLET_CODE: Record<VmqWallet, string> = { wxpay: "1", alipay: "2" };

async function call(url: string): Promise<VmqAnswer> {
  const res = await fetch(url);
  const body = await res.text();
  let code: number | null = null;
  let msg: string | null = null;
  try {
    const parsed = JSON.parse(body) as { code?: unknown; msg?: unknown };
    code = typeof parsed.code === "number" ? parsed.code : null;
    msg = typeof parsed.msg === "string" ? parsed.msg : null;
  } catch {
    // Not the envelope: left null for the test to see.
  }
  return { status: res.status, body, code, msg };
}

export function startVmqMonitor(options: VmqMonitorOptions): VmqMonitor {
  const host = options.host.replace(/\/+$/, "");
  const clock = options.clock ?? (() => Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  let beats = 0;
  let lastPushUrl: string | null = null;
  let lastT = 0;

  const heartbeat = async (opts: { badSign?: boolean; t?: number } = {}) => {
    const t = String(opts.t ?? clock());
    const sign = md5Hex(t + (opts.badSign ? `${options.key}x` : options.key));
    const answer = await call(`${host}/appHeart?t=${t}&sign=${sign}`);
    beats += 1;
    return answer;
  };

  return {
    heartbeat,
    startHeartbeats() {
      if (timer) return;
      const beat = () => void heartbeat().catch(() => undefined);
      beat();
      timer = setInterval(beat, options.heartbeatMs ?? 30_000);
    },
    stopHeartbeats() {
      clearInterval(timer);
      timer = undefined;
    },
    async push(wallet, fen, opts = {}) {
      // Two notifications never reach the app in the same millisecond; keep t strictly increasing like the app's.
      lastT = Math.max(opts.t ?? clock(), lastT + 1);
      const t = String(lastT);
      const type = WALLET_CODE[wallet];
      const price = javaYuan(fen);
      const sign = md5Hex(type + price + t + (opts.badSign ? `${options.key}x` : options.key));
      const url = `${host}/appPush?t=${t}&type=${type}&price=${price}&sign=${sign}`;
      lastPushUrl = url;
      return { url, t, price, answer: await call(url) };
    },
    async resend() {
      if (!lastPushUrl) throw new Error("no push to re-send");
      return call(lastPushUrl);
    },
    get heartbeats() {
      return beats;
    },
    async close() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
