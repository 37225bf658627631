/**
 * Runs one provider emulator from the command line, for manual testing against a running Paydesk:
 *   npx tsx e2e/emulators/serve.ts gemafu   port=4101 m_id=9999 secret_key=gm-secret
 *   npx tsx e2e/emulators/serve.ts payjs    port=4102 mchid=123456 key=pj-key
 *   npx tsx e2e/emulators/serve.ts cloudpay port=4103 appkey=up appsecret=up-secret notify_url=http://localhost:3000/api/notify/cp1
 * Then pay an order by typing its Paydesk order id (or the provider's id) on stdin; `dup <id>` pays with two extra
 * duplicates, `bad <id>` sends a bad signature, `slow <ms>` delays replies, `error <msg>` answers errors, `ok` resets.
 */
import readline from "node:readline";
import { startCloudpayEmulator } from "./cloudpay-emulator";
import type { EmulatorFaults, NotifyAck, PayOptions } from "./emulator-kit";
import { startGemafuEmulator } from "./gemafu-emulator";
import { startPayjsEmulator } from "./payjs-emulator";

interface Running {
  baseUrl: string;
  setFaults(f: Partial<EmulatorFaults>): void;
  pay(ref: string, opts?: PayOptions): Promise<NotifyAck[]>;
  close(): Promise<void>;
}

async function start(kind: string, opts: Record<string, string>): Promise<Running> {
  const port = opts.port ? Number(opts.port) : 0;
  switch (kind) {
    case "gemafu":
      return startGemafuEmulator({ mId: Number(opts.m_id ?? 9999), secretKey: opts.secret_key ?? "gm-secret", port });
    case "payjs":
      return startPayjsEmulator({ mchid: opts.mchid ?? "123456", key: opts.key ?? "pj-key", port });
    case "cloudpay":
      return startCloudpayEmulator({
        appkey: opts.appkey ?? "up",
        appsecret: opts.appsecret ?? "up-secret",
        notifyUrl: opts.notify_url,
        port,
      });
    default:
      throw new Error(`unknown emulator "${kind}" (gemafu | payjs | cloudpay)`);
  }
}

async function main(): Promise<void> {
  const [kind = "", ...rest] = process.argv.slice(2);
  const opts = Object.fromEntries(rest.map((a) => a.split(/=(.*)/s).slice(0, 2) as [string, string]));
  const emu = await start(kind, opts);
  console.log(JSON.stringify({ emulator: kind, base_url: emu.baseUrl }));
  const rl = readline.createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    const [cmd = "", arg = ""] = line.trim().split(/\s+/, 2);
    const run = async () => {
      if (cmd === "ok") emu.setFaults({ delayMs: 0, httpStatus: null, garbage: false, errorMessage: null });
      else if (cmd === "slow") emu.setFaults({ delayMs: Number(arg) });
      else if (cmd === "error") emu.setFaults({ errorMessage: arg || "upstream error" });
      else if (cmd === "dup") console.log(await emu.pay(arg, { duplicates: 2 }));
      else if (cmd === "bad") console.log(await emu.pay(arg, { badSignature: true }));
      else if (cmd) console.log(await emu.pay(cmd));
    };
    run().catch((err: unknown) => console.error(String(err)));
  });
  const stop = () => void emu.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
