/**
 * The cashier page on a slow phone network: creates an order through the merchant API of a running Paydesk, then
 * opens `/pay/{id}` cold (no cache) in Chromium throttled to "fast 3G" as issue 23 defines it (150 ms round trip,
 * 1.6 Mbit/s down, 750 kbit/s up; CDP Network.emulateNetworkConditions), five times per layout, and prints
 *   - the bytes of every resource as transferred (gzip as served; JS marked apart), from the first run;
 *   - the medians of: QR visible (the first frame in which the QR is laid out: the PC page's inline SVG, the phone
 *     page's PNG decoded), first contentful paint, DOMContentLoaded and the load event.
 *   npx tsx scripts/bench-cashier.ts [base_url] [appkey] [appsecret] [runs]
 *     (defaults: http://localhost:3000 demo demo-secret-change-me 5; start the server first: npm run build && npm start)
 * Chromium is Debian's (/usr/bin/chromium), with the same flags as the e2e run.
 */
import { createHash } from "node:crypto";
import { chromium, type Browser, type CDPSession } from "@playwright/test";

const [base = "http://localhost:3000", appkey = "demo", appsecret = "demo-secret-change-me", runsArg = "5"] =
  process.argv.slice(2);
const RUNS = Number(runsArg);
const md5 = (s: string) => createHash("md5").update(s).digest("hex");
const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

const FAST_3G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1_000_000) / 8,
  uploadThroughput: (750 * 1000) / 8,
};

const LAYOUTS = {
  pc: {
    viewport: { width: 1280, height: 800 },
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    isMobile: false,
    type: "alipay",
  },
  phone: {
    viewport: { width: 390, height: 844 },
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    isMobile: true,
    // A WeChat order on a phone: the saveable PNG QR (the Alipay phone page leads with a button instead).
    type: "wxpay",
  },
} as const;

interface Resource {
  url: string;
  type: string;
  bytes: number;
}
interface Run {
  qrVisible: number;
  fcp: number;
  domContentLoaded: number;
  load: number;
  resources: Resource[];
}

async function createOrder(type: string): Promise<string> {
  const f = { appkey, price: "1.00", type, out_order_id: `bench-${Date.now()}-${Math.random()}`, custom: "" };
  const sign = md5(md5(f.appkey + f.price + f.type + f.out_order_id + f.custom) + appsecret);
  const res = await fetch(`${base}/api/cloudpay/create`, { method: "POST", body: new URLSearchParams({ ...f, sign }) });
  const body = (await res.json()) as { code: number; msg: string; data?: { pay_url: string } };
  if (body.code !== 100 || !body.data) throw new Error(`create failed: ${body.code} ${body.msg}`);
  return new URL(body.data.pay_url).pathname;
}

/** Transfer sizes per request, from the DevTools protocol (what crossed the throttled wire, headers included). */
function recordResources(cdp: CDPSession): () => Resource[] {
  const seen = new Map<string, { url: string; type: string }>();
  const done: Resource[] = [];
  cdp.on("Network.responseReceived", (e) => seen.set(e.requestId, { url: e.response.url, type: e.type }));
  cdp.on("Network.loadingFinished", (e) => {
    const r = seen.get(e.requestId);
    if (r) done.push({ ...r, bytes: e.encodedDataLength });
  });
  return () => done;
}

async function once(browser: Browser, layout: keyof typeof LAYOUTS): Promise<Run> {
  const l = LAYOUTS[layout];
  const path = await createOrder(l.type);
  const context = await browser.newContext({
    viewport: l.viewport,
    userAgent: l.userAgent,
    isMobile: l.isMobile,
    hasTouch: l.isMobile,
    locale: "zh-CN",
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  const resources = recordResources(cdp);
  // The QR's paint: the first frame after it is in the DOM (the phone's PNG: and decoded), and never before the
  // first contentful paint (render-blocking CSS holds every paint until then).
  await page.addInitScript(() => {
    const w = window as unknown as { __qrFrame?: number };
    const poll = setInterval(() => {
      const svg = document.querySelector('[data-testid="qr"] svg');
      const img = document.querySelector<HTMLImageElement>('[data-testid="qr-image"]');
      if (!svg && !(img?.complete && img.naturalWidth > 0)) return;
      clearInterval(poll);
      requestAnimationFrame(() => (w.__qrFrame = performance.now()));
    }, 5);
  });
  await page.goto(`${base}${path}`, { waitUntil: "load" });
  await page.waitForFunction(() => (window as unknown as { __qrFrame?: number }).__qrFrame !== undefined);
  const times = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
    return {
      qrVisible: Math.max(fcp, (window as unknown as { __qrFrame: number }).__qrFrame),
      fcp,
      domContentLoaded: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
    };
  });
  // Let late responses (the held poll is open: it never finishes, and is not counted) report their sizes.
  await page.waitForTimeout(300);
  const run = { ...times, resources: [...resources()] };
  await context.close();
  return run;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  console.log(
    `fast 3G: ${FAST_3G.latency} ms RTT, ${(FAST_3G.downloadThroughput * 8) / 1e6} Mbit/s down; ${RUNS} cold runs per layout; ${base}`,
  );
  try {
    for (const layout of Object.keys(LAYOUTS) as (keyof typeof LAYOUTS)[]) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await once(browser, layout));
      const first = runs[0]!;
      console.log(`\n${layout} (${LAYOUTS[layout].viewport.width}×${LAYOUTS[layout].viewport.height})`);
      let js = 0;
      let all = 0;
      for (const r of first.resources) {
        const u = new URL(r.url);
        all += r.bytes;
        if (r.type === "Script") js += r.bytes;
        console.log(`  ${r.type.padEnd(10)} ${kb(r.bytes).padStart(9)}  ${u.pathname}${u.search.slice(0, 40)}`);
      }
      console.log(`  JavaScript ${kb(js)} transferred; everything ${kb(all)} in ${first.resources.length} responses`);
      const ms = (k: keyof Omit<Run, "resources">) => `${Math.round(median(runs.map((r) => r[k])))} ms`;
      console.log(
        `  median of ${RUNS}: QR visible ${ms("qrVisible")} · first contentful paint ${ms("fcp")} · DOMContentLoaded ${ms("domContentLoaded")} · load ${ms("load")}`,
      );
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
