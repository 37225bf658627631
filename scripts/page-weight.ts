/**
 * Page weight of the cashier: creates an order through the merchant API of a running Paydesk, fetches `/pay/{id}`
 * like a browser and prints the HTML size and every script it loads (raw and gzip), marking Paydesk's own chunks
 * (those containing the cashier's code) apart from the framework's, and the `nomodule` polyfills apart from both (only
 * browsers without ES modules fetch them: none that Paydesk's payers use). The total is what a modern browser loads.
 * For the transferred bytes and the load times on a slow network, see scripts/bench-cashier.ts.
 *   npx tsx scripts/page-weight.ts [base_url] [appkey] [appsecret]     (defaults: http://localhost:3000 demo demo-secret-change-me)
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

const [base = "http://localhost:3000", appkey = "demo", appsecret = "demo-secret-change-me"] = process.argv.slice(2);
const md5 = (s: string) => createHash("md5").update(s).digest("hex");
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
/** Strings only the cashier's client code contains (see components/cashier). */
const OWN_MARKERS = ["paydesk:left:", "x-paydesk-csrf"];

async function main(): Promise<void> {
  const out = `weight-${Date.now()}`;
  const f = { appkey, price: "1.00", type: "alipay", out_order_id: out, custom: "" };
  const sign = md5(md5(f.appkey + f.price + f.type + f.out_order_id + f.custom) + appsecret);
  const created = (await (
    await fetch(`${base}/api/cloudpay/create`, { method: "POST", body: new URLSearchParams({ ...f, sign }) })
  ).json()) as {
    code: number;
    msg: string;
    data?: { pay_url: string };
  };
  if (created.code !== 100 || !created.data) throw new Error(`create failed: ${created.code} ${created.msg}`);
  const pagePath = new URL(created.data.pay_url).pathname;
  const html = await (
    await fetch(`${base}${pagePath}`, {
      headers: {
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36",
        "accept-language": "zh-CN",
      },
    })
  ).text();
  const tags = [...html.matchAll(/<script[^>]+src="([^"]+)"[^>]*>/g)];
  const legacy = new Set(tags.filter((m) => /\snomodule/i.test(m[0])).map((m) => m[1] ?? ""));
  const scripts = [...new Set(tags.map((m) => m[1] ?? ""))].filter(Boolean);
  let total = 0;
  let totalGz = 0;
  let own = 0;
  let ownGz = 0;
  console.log(`page ${pagePath}`);
  console.log(`HTML: ${kb(Buffer.byteLength(html))} (gzip ${kb(gzipSync(html).length)})`);
  for (const src of scripts) {
    const body = await (await fetch(new URL(src, base))).text();
    const raw = Buffer.byteLength(body);
    const gz = gzipSync(body).length;
    const isOwn = OWN_MARKERS.some((m) => body.includes(m));
    if (legacy.has(src)) {
      console.log(
        `  nomodule  ${kb(raw).padStart(9)}  gzip ${kb(gz).padStart(8)}  ${src} (not loaded by modern browsers)`,
      );
      continue;
    }
    total += raw;
    totalGz += gz;
    if (isOwn) {
      own += raw;
      ownGz += gz;
    }
    console.log(`  ${isOwn ? "paydesk  " : "framework"} ${kb(raw).padStart(9)}  gzip ${kb(gz).padStart(8)}  ${src}`);
  }
  console.log(`JS a modern browser loads: ${kb(total)} (gzip ${kb(totalGz)}) in ${scripts.length - legacy.size} files`);
  console.log(`Paydesk's own client JS: ${kb(own)} (gzip ${kb(ownGz)})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
