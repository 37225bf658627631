/**
 * The server side of the browser tests: starts a protocol emulator per real provider used by the per-wallet specs,
 * writes the e2e configuration (e2e/paydesk.e2e.json plus channels pointing at the emulators), runs Paydesk
 * (scripts/server.mjs, what `npm start` runs) on it, and offers a small control endpoint so a spec can make an emulator "pay":
 *   POST http://127.0.0.1:3299/pay  {"wallet": "alipay" | "wxpay" | "qqpay", "order_id": "…", "qr": "…"}
 * Started by playwright.config.ts as its web server; stops everything on SIGTERM/SIGINT.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { startJsjEmulator } from "../emulators/jsj-emulator";
import { startPayjsEmulator } from "../emulators/payjs-emulator";
import { startSanwangEmulator } from "../emulators/sanwang-emulator";
import { startVmqMonitor, type VmqWallet } from "../emulators/vmq-emulator";
import { startVmqShop } from "../emulators/vmq-shop";
import { startEpayShop } from "./epay-shop";
import { CONTROL_PORT, PROVIDER_MERCHANT, VMQ_E2E } from "./stack-constants";

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3210);
  const base = process.env.PAYDESK_BASE_URL ?? `http://localhost:${port}`;
  const dataDir = path.resolve("data/e2e");
  fs.mkdirSync(dataDir, { recursive: true });

  const payjs = await startPayjsEmulator({ mchid: "1560000001", key: "e2e-payjs-key" });
  const sanwang = await startSanwangEmulator({ key: "e2e-sanwang-key", returnFlag: "#" });
  const jsj = await startJsjEmulator({ apiid: "10086", apikey: "e2e-jsj-key", wallet: "qqpay" });
  sanwang.notifyUrls.wxpay = `${base}/api/notify/sw-wx`;
  // V免签: a shop written for it, and the monitor app beating against Paydesk (errors until next is up are ignored).
  const vmqShop = await startVmqShop({ host: `${base}/vmq/${VMQ_E2E.appkey}`, key: VMQ_E2E.shopKey });
  const vmqApp = startVmqMonitor({
    host: `${base}/api/vmq/${VMQ_E2E.channel}`,
    key: VMQ_E2E.appKey,
    heartbeatMs: 2000,
  });
  const epayShop = await startEpayShop(base);

  const config = JSON.parse(fs.readFileSync("e2e/paydesk.e2e.json", "utf8")) as {
    merchants: unknown[];
    channels: unknown[];
  };
  config.channels.push(
    {
      id: "pj-ali",
      provider: "payjs",
      types: ["alipay"],
      base_url: payjs.baseUrl,
      mchid: "1560000001",
      key: "e2e-payjs-key",
    },
    {
      id: "sw-wx",
      provider: "sanwang",
      types: ["wxpay"],
      key: "e2e-sanwang-key",
      return_flag: "#",
      monitor_url: sanwang.wxpayUrl,
    },
    { id: "jsj-qq", provider: "jsj", types: ["qqpay"], base_url: jsj.url, apiid: "10086", apikey: "e2e-jsj-key" },
    { id: VMQ_E2E.channel, provider: "vmq", types: ["wxpay", "alipay"], key: VMQ_E2E.appKey, codes: VMQ_E2E.codes },
  );
  config.merchants.push({
    appkey: VMQ_E2E.appkey,
    appsecret: "vmq-shop-unused-cloudpay-secret-e2e",
    name: "V免签测试店",
    channels: [VMQ_E2E.channel],
    // The shop sends its own notifyUrl/returnUrl on 127.0.0.1: the operator allows that host for it.
    vmq: { key: VMQ_E2E.shopKey, allowed_hosts: ["127.0.0.1"] },
  });
  config.merchants.push({
    appkey: PROVIDER_MERCHANT.appkey,
    appsecret: PROVIDER_MERCHANT.appsecret,
    name: "Provider Test Shop",
    notify_url: `${base}/demo/notify?shop=${PROVIDER_MERCHANT.appkey}`,
    return_url: `${base}/demo/return?shop=${PROVIDER_MERCHANT.appkey}`,
    timeout_url: `${base}/demo/timeout`,
    channels: ["pj-ali", "sw-wx", "jsj-qq"],
  });
  const configPath = path.join(dataDir, "paydesk.config.json");
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));

  const control = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const run = async () => {
        if (req.url === "/vmq/shop") return { status: 200, answer: { url: vmqShop.url } };
        if (req.url === "/vmq/push") {
          const push = JSON.parse(body || "{}") as { wallet?: VmqWallet; fen?: number };
          if (!push.wallet || !push.fen) return { status: 400, answer: "wallet and fen required" };
          return { status: 200, answer: await vmqApp.push(push.wallet, push.fen) };
        }
        const {
          wallet,
          order_id: orderId,
          qr,
        } = JSON.parse(body || "{}") as { wallet?: string; order_id?: string; qr?: string };
        if (req.url !== "/pay" || !wallet || !orderId || !qr)
          return { status: 400, answer: "wallet, order_id and qr required" };
        if (wallet === "alipay") return { status: 200, answer: await payjs.pay(orderId) };
        if (wallet === "wxpay") return { status: 200, answer: await sanwang.pay(qr) };
        const order = [...jsj.orders.values()].find((o) => o.qr === qr);
        if (!order) return { status: 404, answer: "no such jsj code" };
        return { status: 200, answer: await jsj.pay(order.addnum) };
      };
      run()
        .then(({ status, answer }) => {
          res.writeHead(status, { "Content-Type": "application/json" });
          res.end(JSON.stringify(answer));
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
    });
  });
  await new Promise<void>((resolve) => control.listen(CONTROL_PORT, "127.0.0.1", resolve));

  const next = spawn(process.execPath, ["scripts/server.mjs", "-p", String(port)], {
    stdio: "inherit",
    env: { ...process.env, PAYDESK_CONFIG: configPath },
  });
  vmqApp.startHeartbeats();
  const stop = () => {
    next.kill("SIGTERM");
    control.close();
    void Promise.all([
      payjs.close(),
      sanwang.close(),
      jsj.close(),
      epayShop.close(),
      vmqShop.close(),
      vmqApp.close(),
    ]).finally(() => process.exit(0));
  };
  next.on("exit", (code) => {
    console.error(`paydesk server exited (${code})`);
    process.exit(code ?? 1);
  });
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
