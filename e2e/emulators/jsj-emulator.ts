import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * 金沙江 JSJ API emulator, written from docs/providers/jsj.md#how-it-works and the WHMCS gateway seed (000_*), independent
 * of lib/ so a signing bug in Paydesk cannot be mirrored here. It serves the native create (`POST /`, form → the QR
 * content as the body, or an error text), and plays the gateway's callback to `showurl`: `addnum, total, uid, apikey`
 * with `apikey = md5(APIKEY + addnum + uid + total)`, answered `success` (or `error` on a bad key).
 */

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A desktop browser's User-Agent: what the payer's browser sends when JSJ returns it to `showurl`. */
export const BROWSER_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
/** The gateway's own server-to-server callback does not claim to be a browser. */
const SERVER_UA = "JSJ-API-Callback/1.0";

export type JsjWallet = "wxpay" | "qqpay";

export interface JsjEmulatorOptions {
  apiid: string;
  apikey: string;
  /** Which wallet's codes this endpoint hands out (JSJ enables interfaces per account and endpoint). */
  wallet?: JsjWallet;
  port?: number;
}

export interface JsjFaults {
  /** Wait this long before answering a create (a slow gateway). */
  delayMs: number;
  /** Answer creates with this text instead of a code (e.g. `金额变动无法支付`). */
  errorText: string | null;
  /** Answer creates with this HTTP status and an HTML page. */
  httpStatus: number | null;
}

/** One create the emulator received, with whether its credentials were right. */
export interface JsjCreateRequest {
  fields: Record<string, string>;
  apiidOk: boolean;
  keyOk: boolean;
  /** `total` had the form the gateway expects (yuan with two decimals). */
  totalOk: boolean;
  userAgent: string;
}

export interface JsjOrder {
  addnum: string;
  total: string;
  uid: string;
  showurl: string;
  qr: string;
}

export interface JsjPayOptions {
  /** Yuan string to report instead of the order's total (a short payment, "amount changed"). */
  total?: string;
  /** Sign with a wrong APIKEY (a forged callback). */
  badKey?: boolean;
  /** Send the identical callback this many extra times (the gateway retrying). */
  duplicates?: number;
  /** The seed's callback reads POST first, then GET: both are possible. */
  method?: "POST" | "GET";
  userAgent?: string;
}

export interface JsjCallbackResult {
  status: number;
  body: string;
  location: string | null;
}

export interface JsjEmulator {
  url: string;
  faults: JsjFaults;
  requests: JsjCreateRequest[];
  orders: Map<string, JsjOrder>;
  /** Every callback sent so far (to replay them). */
  sent: Array<{ order: JsjOrder; fields: Record<string, string>; method: "POST" | "GET"; userAgent: string }>;
  /** The payer pays `addnum`: the gateway's callback to its `showurl`. */
  pay(addnum: string, options?: JsjPayOptions): Promise<JsjCallbackResult[]>;
  /** Sends every callback already sent once more, as after a gateway restart. */
  replayAll(): Promise<JsjCallbackResult[]>;
  /** The payer's browser returning to `showurl` (signed like the callback when `signed`, else just the addnum). */
  browserReturn(addnum: string, options?: { signed?: boolean }): Promise<JsjCallbackResult>;
  close(): Promise<void>;
}

/** `apikey` of a callback: `md5(APIKEY + addnum + uid + total)`. */
export function jsjEmulatorCallbackKey(apikey: string, f: { addnum: string; uid: string; total: string }): string {
  return md5(apikey + f.addnum + f.uid + f.total);
}

function newCode(wallet: JsjWallet): string {
  return wallet === "wxpay"
    ? `weixin://wxpay/bizpayurl?pr=${randomBytes(5).toString("hex")}`
    : `https://qpay.qq.com/qr/${randomBytes(6).toString("hex")}`;
}

async function call(
  url: string,
  init: { method: "POST" | "GET"; fields: Record<string, string>; userAgent: string },
): Promise<JsjCallbackResult> {
  const query = new URLSearchParams(init.fields).toString();
  const target = init.method === "GET" ? `${url}${url.includes("?") ? "&" : "?"}${query}` : url;
  const res = await fetch(target, {
    method: init.method,
    headers: {
      "User-Agent": init.userAgent,
      ...(init.method === "POST" ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
    },
    body: init.method === "POST" ? query : undefined,
    redirect: "manual",
  });
  return { status: res.status, body: await res.text(), location: res.headers.get("location") };
}

export async function startJsjEmulator(options: JsjEmulatorOptions): Promise<JsjEmulator> {
  const wallet = options.wallet ?? "wxpay";
  const faults: JsjFaults = { delayMs: 0, errorText: null, httpStatus: null };
  const requests: JsjCreateRequest[] = [];
  const orders = new Map<string, JsjOrder>();
  const sent: JsjEmulator["sent"] = [];

  async function create(body: string, userAgent: string): Promise<{ status: number; body: string; type?: string }> {
    const fields = Object.fromEntries(new URLSearchParams(body));
    const request: JsjCreateRequest = {
      fields,
      apiidOk: fields.apiid === options.apiid,
      keyOk: fields.apikey === md5(options.apikey),
      totalOk: /^\d+\.\d{2}$/.test(fields.total ?? ""),
      userAgent,
    };
    requests.push(request);
    if (faults.delayMs > 0) await sleep(faults.delayMs);
    if (faults.httpStatus !== null)
      return { status: faults.httpStatus, body: "<html><body>502 Bad Gateway</body></html>", type: "text/html" };
    if (faults.errorText !== null) return { status: 200, body: faults.errorText };
    if (!request.apiidOk || !request.keyOk) return { status: 200, body: "APIID或APIKEY错误，请检查。" };
    if (!request.totalOk) return { status: 200, body: "金额格式错误。" };
    const addnum = fields.addnum ?? "";
    if (!/^[A-Za-z0-9]{1,20}$/.test(addnum)) return { status: 200, body: "订单编号格式错误。" };
    const order: JsjOrder = {
      addnum,
      total: fields.total ?? "",
      uid: fields.uid ?? "",
      showurl: fields.showurl ?? "",
      qr: newCode(wallet),
    };
    orders.set(addnum, order);
    // The gateway's PHP pages sometimes start with a BOM; keep Paydesk honest about trimming it.
    return { status: 200, body: `\uFEFF${order.qr}` };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const out =
          req.method === "POST"
            ? await create(Buffer.concat(chunks).toString("utf8"), req.headers["user-agent"] ?? "")
            : { status: 405, body: "method not allowed" };
        if (res.destroyed) return; // the client gave up (a timeout test)
        res.writeHead(out.status, { "Content-Type": out.type ?? "text/html; charset=utf-8" });
        res.end(out.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  function callbackFields(order: JsjOrder, total: string, badKey: boolean): Record<string, string> {
    const f = { addnum: order.addnum, total, uid: order.uid };
    return { ...f, apikey: jsjEmulatorCallbackKey(badKey ? `${options.apikey}-wrong` : options.apikey, f) };
  }

  function orderOf(addnum: string): JsjOrder {
    const order = orders.get(addnum);
    if (!order) throw new Error(`jsj emulator: no order ${addnum}`);
    return order;
  }

  return {
    url,
    faults,
    requests,
    orders,
    sent,
    async pay(addnum, opts = {}) {
      const order = orderOf(addnum);
      const fields = callbackFields(order, opts.total ?? order.total, opts.badKey ?? false);
      const method = opts.method ?? "POST";
      const userAgent = opts.userAgent ?? SERVER_UA;
      const results: JsjCallbackResult[] = [];
      for (let i = 0; i <= (opts.duplicates ?? 0); i++) {
        sent.push({ order, fields, method, userAgent });
        results.push(await call(order.showurl, { method, fields, userAgent }));
      }
      return results;
    },
    async replayAll() {
      const results: JsjCallbackResult[] = [];
      for (const s of [...sent]) results.push(await call(s.order.showurl, s));
      return results;
    },
    async browserReturn(addnum, opts = {}) {
      const order = orderOf(addnum);
      const fields = opts.signed ? callbackFields(order, order.total, false) : { addnum: order.addnum };
      return call(order.showurl, { method: "GET", fields, userAgent: BROWSER_UA });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
