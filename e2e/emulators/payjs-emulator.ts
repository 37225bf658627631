import {
  md5Hex,
  faultSwitches,
  lastNotifyOf,
  notifyWithDuplicates,
  json,
  readFields,
  sendNotify,
  startEmulatorServer,
  type EmulatorFaults,
  type EmulatorRequest,
  type EmulatorResponse,
  type NotifyAck,
  type PayOptions,
} from "./emulator-kit";

/**
 * PAYJS emulator, written from docs/providers/payjs.md#wire-protocol and the payjs-cn SDK: form requests to
 * `/api/native` and `/api/check`, JSON replies signed like everything else, form notifies, ack = HTTP 200 (body
 * `success`).
 */

type Value = string | number | null | undefined;

/**
 * The SDK's sign: `array_filter` (drops "", "0", 0, null), `ksort`, `k=v` joined by `&` (no urlencode),
 * `&key=KEY`, md5, uppercase.
 */
export function payjsEmulatorSign(fields: Record<string, Value>, key: string): string {
  const pairs: string[] = [];
  for (const k of Object.keys(fields).sort()) {
    const v = fields[k];
    if (k === "sign" || v === undefined || v === null || v === "" || v === "0" || v === 0) continue;
    pairs.push(`${k}=${v}`);
  }
  pairs.push(`key=${key}`);
  return md5Hex(pairs.join("&")).toUpperCase();
}

export interface PayjsEmulatorOptions {
  mchid: string;
  key: string;
  port?: number;
}

export interface PayjsEmulatorOrder {
  payjs_order_id: string;
  out_trade_no: string;
  total_fee: number;
  type: string;
  attach: string;
  notifyUrl: string;
  signatureValid: boolean;
  fields: Record<string, string>;
  /** /api/check status: 0 unpaid, 1 paid. */
  status: 0 | 1;
  transaction_id?: string;
  lastNotify?: string;
  /** Refunded in full by `/api/refund` (PAYJS refunds whole orders only). */
  refunded: boolean;
}

/** One `/api/refund` request, and whether it paid money back (only the first good one of a paid order does). */
export interface PayjsRefundCall {
  payjs_order_id: string;
  signatureValid: boolean;
  refunded: boolean;
}

export interface PayjsCheck {
  payjs_order_id: string;
  signatureValid: boolean;
}

export interface PayjsEmulator {
  url: string;
  /** The `base_url` to configure. */
  baseUrl: string;
  orders: PayjsEmulatorOrder[];
  /** Every /api/check request. */
  checks: PayjsCheck[];
  /** Every /api/refund request. */
  refunds: PayjsRefundCall[];
  /** Refuse every refund with this message (e.g. "余额不足"), or null to refund normally. */
  setRefundFailure(message: string | null): void;
  faults: EmulatorFaults;
  setFaults(f: Partial<EmulatorFaults>): void;
  order(ref: string): PayjsEmulatorOrder;
  pay(ref: string, opts?: PayOptions): Promise<NotifyAck[]>;
  repush(ref: string): Promise<NotifyAck>;
  markPaid(ref: string): void;
  close(): Promise<void>;
}

export async function startPayjsEmulator(options: PayjsEmulatorOptions): Promise<PayjsEmulator> {
  const orders: PayjsEmulatorOrder[] = [];
  const checks: PayjsCheck[] = [];
  const refunds: PayjsRefundCall[] = [];
  let refundFailure: string | null = null;
  let seq = 1;
  const switches = faultSwitches();
  const state = { faults: switches.faults };

  const signed = (fields: Record<string, Value>) => json({ ...fields, sign: payjsEmulatorSign(fields, options.key) });
  const failure = (msg: string) => json({ return_code: 0, return_msg: "FAIL", msg });

  function order(ref: string): PayjsEmulatorOrder {
    const found = orders.find((o) => o.payjs_order_id === ref || o.out_trade_no === ref);
    if (!found) throw new Error(`payjs emulator: no order ${ref}`);
    return found;
  }

  async function handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    // Not PAYJS's: what a browser test in another process reads of the emulator (the refunds it received).
    if (req.method === "GET" && req.url.pathname === "/__emulator/refunds") {
      const orderId = req.url.searchParams.get("out_trade_no");
      const ids = new Set(orders.filter((o) => o.out_trade_no === orderId).map((o) => o.payjs_order_id));
      return json({ refunds: refunds.filter((r) => ids.has(r.payjs_order_id)) });
    }
    if (req.method !== "POST") return { status: 405, body: "POST only" };
    const f = readFields(req);
    const signatureValid = f.sign === payjsEmulatorSign(f, options.key);
    if (req.url.pathname === "/api/native") {
      const o: PayjsEmulatorOrder = {
        payjs_order_id: `2026112212${String(seq++).padStart(15, "0")}`,
        out_trade_no: f.out_trade_no ?? "",
        total_fee: Number(f.total_fee),
        type: f.type ?? "",
        attach: f.attach ?? "",
        notifyUrl: f.notify_url ?? "",
        signatureValid,
        fields: f,
        status: 0,
        refunded: false,
      };
      orders.push(o);
      if (state.faults.errorMessage) return failure(state.faults.errorMessage);
      if (!signatureValid) return failure("签名错误");
      if (f.mchid !== options.mchid) return failure("商户号错误");
      if (!/^[1-9]\d*$/.test(f.total_fee ?? "")) return failure("金额错误");
      const payUrl =
        o.type === "alipay"
          ? `https://qr.alipay.com/emu${o.payjs_order_id}`
          : `weixin://wxpay/bizpayurl?pr=emu${o.payjs_order_id.slice(-8)}`;
      return signed({
        return_code: 1,
        return_msg: "SUCCESS",
        payjs_order_id: o.payjs_order_id,
        out_trade_no: o.out_trade_no,
        total_fee: String(o.total_fee),
        qrcode: `https://payjs.cn/qrcode/${Buffer.from(payUrl).toString("base64")}`,
        code_url: payUrl,
      });
    }
    if (req.url.pathname === "/api/check") {
      checks.push({ payjs_order_id: f.payjs_order_id ?? "", signatureValid });
      if (state.faults.errorMessage) return failure(state.faults.errorMessage);
      if (!signatureValid) return failure("签名错误");
      const o = orders.find((x) => x.payjs_order_id === f.payjs_order_id);
      if (!o) return failure("订单不存在");
      return signed({
        return_code: 1,
        mchid: options.mchid,
        out_trade_no: o.out_trade_no,
        payjs_order_id: o.payjs_order_id,
        transaction_id: o.transaction_id,
        status: o.status,
        total_fee: String(o.total_fee),
        paid_time: o.status === 1 ? "2026-11-22 12:00:00" : "",
      });
    }
    if (req.url.pathname === "/api/refund") {
      // The whole order named by payjs_order_id goes back, once: a repeat of a refunded order answers the same
      // success without paying twice; an unpaid order is refused.
      const call: PayjsRefundCall = { payjs_order_id: f.payjs_order_id ?? "", signatureValid, refunded: false };
      refunds.push(call);
      if (state.faults.errorMessage) return failure(state.faults.errorMessage);
      if (!signatureValid) return failure("签名错误");
      if (f.mchid !== options.mchid) return failure("商户号错误");
      const o = orders.find((x) => x.payjs_order_id === f.payjs_order_id);
      if (!o) return failure("订单不存在");
      if (o.status !== 1) return failure("订单未支付");
      if (refundFailure) return failure(refundFailure);
      if (!o.refunded) {
        o.refunded = true;
        call.refunded = true;
      }
      return signed({
        return_code: 1,
        return_msg: "SUCCESS",
        payjs_order_id: o.payjs_order_id,
        out_trade_no: o.out_trade_no,
        transaction_id: o.transaction_id,
      });
    }
    return { status: 404, body: "not found" };
  }

  const server = await startEmulatorServer(handle, () => state.faults, options.port);

  async function deliver(o: PayjsEmulatorOrder, body: string): Promise<NotifyAck> {
    o.lastNotify = body;
    return sendNotify(o.notifyUrl, body, "application/x-www-form-urlencoded");
  }

  return {
    url: server.url,
    baseUrl: server.url,
    orders,
    checks,
    refunds,
    setRefundFailure(message) {
      refundFailure = message;
    },
    ...switches,
    order,
    async pay(ref, opts = {}) {
      const o = order(ref);
      o.status = 1;
      o.transaction_id ??= `4200002026112212${String(seq++).padStart(12, "0")}`;
      const fields: Record<string, string> = {
        return_code: "1",
        total_fee: String(opts.amountFen ?? o.total_fee),
        out_trade_no: o.out_trade_no,
        payjs_order_id: o.payjs_order_id,
        transaction_id: o.transaction_id,
        time_end: "2026-11-22 12:00:00",
        openid: "o7LFAwUGVvvR6tq0Ywemuopenid",
        attach: o.attach,
        mchid: options.mchid,
      };
      if (o.type === "alipay") fields.type = "alipay";
      const sign = payjsEmulatorSign(fields, opts.badSignature ? `${options.key}x` : options.key);
      const body = new URLSearchParams({ ...fields, sign }).toString();
      return notifyWithDuplicates(() => deliver(o, body), opts.duplicates);
    },
    async repush(ref) {
      const o = order(ref);
      return deliver(o, lastNotifyOf(o, "payjs", ref));
    },
    markPaid(ref) {
      const o = order(ref);
      o.status = 1;
      o.transaction_id ??= `4200002026112212${String(seq++).padStart(12, "0")}`;
    },
    close: () => server.close(),
  };
}
