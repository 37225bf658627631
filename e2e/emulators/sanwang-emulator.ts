import { randomBytes, randomInt } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * 三网 monitor-software emulator, written from the seed 004_* (and docs/providers/sanwang.md#how-it-works), independent
 * of lib/. It plays the two code endpoints (WeChat on one port, QQ on another: `GET
 * /?amount={fen}&desc={memo}&key={key}` → a text body that is the code) and the software that pushes Alipay/WeChat/QQ
 * notifies (POST form, each carrying `key`), treating a notify as accepted only when the answer CONTAINS the return
 * flag, and re-pushing on "restart".
 */

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const digits = (n: number) => Array.from({ length: n }, () => String(randomInt(10))).join("");

export type SanwangWallet = "alipay" | "wxpay" | "qqpay";

export interface SanwangEmulatorOptions {
  key: string;
  /** The "返回标志" configured in the software. */
  returnFlag?: string;
  /** Alipay `uid` the software reports (the logged-in account). */
  alipayUid?: string;
}

export interface SanwangFaults {
  /** Wait this long before answering a code request (a slow monitor box). */
  delayMs: number;
  /** Answer code requests with this text instead of a code. */
  errorText: string | null;
  /** Answer code requests with this HTTP status. */
  httpStatus: number | null;
}

/** One code request the monitor received, with whether its key was right. */
export interface SanwangCodeRequest {
  wallet: "wxpay" | "qqpay";
  amount: string;
  desc: string;
  keyOk: boolean;
}

export interface SanwangNotifyResult {
  wallet: SanwangWallet;
  fields: Record<string, string>;
  status: number;
  body: string;
  /** The answer contained the return flag: the software would stop pushing this one. */
  acked: boolean;
}

export interface SanwangPayOptions {
  /** Fen to report instead of the code's amount (only a forged or buggy push could differ; useful for tests). */
  amountFen?: number;
  /** Send a wrong key. */
  badKey?: boolean;
  /** Send the identical notify this many extra times. */
  duplicates?: number;
}

export interface SanwangEmulator {
  wxpayUrl: string;
  qqpayUrl: string;
  faults: SanwangFaults;
  requests: SanwangCodeRequest[];
  /** Where each program pushes its notifies (the software's "接口地址"); set once Paydesk's address is known. */
  notifyUrls: Partial<Record<SanwangWallet, string>>;
  /** Every notify pushed so far. */
  notifies: SanwangNotifyResult[];
  /** The payer scans `qr` (a code from this monitor, or an Alipay template URL) and pays. */
  pay(qr: string, options?: SanwangPayOptions): Promise<SanwangNotifyResult[]>;
  /** The software restarts and re-pushes every payment it has seen (the seed: "每次软件启动都会重复推送最近订单"). */
  restart(): Promise<SanwangNotifyResult[]>;
  close(): Promise<void>;
}

interface IssuedCode {
  wallet: "wxpay" | "qqpay";
  amountFen: number;
  memo: string;
}

/** Yuan string → fen without floating point; the emulator's own, not Paydesk's. */
function yuanToFen(yuan: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!m) throw new Error(`sanwang emulator: bad yuan amount ${yuan}`);
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

const fenToYuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

export async function startSanwangEmulator(options: SanwangEmulatorOptions): Promise<SanwangEmulator> {
  const returnFlag = options.returnFlag ?? "#";
  const faults: SanwangFaults = { delayMs: 0, errorText: null, httpStatus: null };
  const requests: SanwangCodeRequest[] = [];
  const issued = new Map<string, IssuedCode>();
  const notifies: SanwangNotifyResult[] = [];
  const notifyUrls: Partial<Record<SanwangWallet, string>> = {};

  function newCode(wallet: "wxpay" | "qqpay"): string {
    return wallet === "wxpay"
      ? `wxp://f2f1${randomBytes(14).toString("base64url")}`
      : `https://i.qianbao.qq.com/wallet/sqrcode.htm?m=tenpay&f=wallet&a=1&ac=${randomBytes(24).toString("hex").toUpperCase()}&u=976811781&n=%e7%8e%b0%e5%9c%a8`;
  }

  async function startMonitor(wallet: "wxpay" | "qqpay"): Promise<{ url: string; server: http.Server }> {
    const server = http.createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://monitor");
        const amount = url.searchParams.get("amount") ?? "";
        const desc = url.searchParams.get("desc") ?? "";
        const request: SanwangCodeRequest = {
          wallet,
          amount,
          desc,
          keyOk: url.searchParams.get("key") === options.key,
        };
        requests.push(request);
        if (faults.delayMs > 0) await sleep(faults.delayMs);
        let status = 200;
        let body: string;
        if (faults.httpStatus !== null) [status, body] = [faults.httpStatus, "<html><body>error</body></html>"];
        else if (faults.errorText !== null) body = faults.errorText;
        else if (!request.keyOk) body = "key错误";
        else if (!/^\d+$/.test(amount) || Number(amount) <= 0) body = "金额错误";
        else {
          body = newCode(wallet);
          issued.set(body, { wallet, amountFen: Number(amount), memo: desc });
        }
        if (res.destroyed) return;
        res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
        res.end(body);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
  }

  const wx = await startMonitor("wxpay");
  const qq = await startMonitor("qqpay");

  async function push(wallet: SanwangWallet, fields: Record<string, string>): Promise<SanwangNotifyResult> {
    const url = notifyUrls[wallet];
    if (!url) throw new Error(`sanwang emulator: no notify URL for ${wallet}`);
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
    const body = await res.text();
    const result = { wallet, fields, status: res.status, body, acked: body.includes(returnFlag) };
    notifies.push(result);
    return result;
  }

  /** The fields each program pushes, as in the seed's logs. */
  function notifyFields(
    qr: string,
    key: string,
    amountOverride: number | undefined,
  ): { wallet: SanwangWallet; fields: Record<string, string> } {
    const code = issued.get(qr);
    if (code) {
      const amount = String(amountOverride ?? code.amountFen);
      if (code.wallet === "wxpay") {
        return {
          wallet: "wxpay",
          fields: {
            key,
            amount,
            memo: code.memo,
            payermemo: "",
            time: "2019/5/24 10:41:11",
            Outtradeno: `1000049901${digits(22)}`,
            WxUserName: "xinxinbot",
          },
        };
      }
      return {
        wallet: "qqpay",
        fields: {
          key,
          listid: `10100002690150${digits(16)}`,
          amount,
          memo: code.memo,
          payer_uin: "4111852",
          payer_name: "小灰",
          qq: "976811781",
        },
      };
    }
    // Not one of ours: an Alipay code built from the template (uid, amount in yuan, desc).
    const url = new URL(qr);
    const amountYuan = url.searchParams.get("amount");
    if (!amountYuan) throw new Error(`sanwang emulator: unknown code ${qr}`);
    return {
      wallet: "alipay",
      fields: {
        key,
        tradeNo: `20190301220014${digits(14)}`,
        goodsTitle: url.searchParams.get("desc") ?? "",
        transMemo: "",
        tradeTime: "2019-01-01 12:17:52",
        username: "*勇",
        userid: "z11***@qq.com",
        amount: amountOverride !== undefined ? fenToYuan(amountOverride) : fenToYuan(yuanToFen(amountYuan)),
        uid: options.alipayUid ?? url.searchParams.get("uid") ?? "",
      },
    };
  }

  const paid: Array<{ wallet: SanwangWallet; fields: Record<string, string> }> = [];

  return {
    wxpayUrl: wx.url,
    qqpayUrl: qq.url,
    faults,
    requests,
    notifyUrls,
    notifies,
    async pay(qr, opts = {}) {
      const n = notifyFields(qr, opts.badKey ? `${options.key}-wrong` : options.key, opts.amountFen);
      if (!opts.badKey) paid.push(n);
      const results: SanwangNotifyResult[] = [];
      for (let i = 0; i <= (opts.duplicates ?? 0); i++) results.push(await push(n.wallet, n.fields));
      return results;
    },
    async restart() {
      const results: SanwangNotifyResult[] = [];
      for (const n of paid) results.push(await push(n.wallet, n.fields));
      return results;
    },
    async close() {
      for (const s of [wx.server, qq.server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
