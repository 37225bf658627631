import {
  md5Hex,
  faultSwitches,
  lastNotifyOf,
  notifyWithDuplicates,
  json,
  sendNotify,
  startEmulatorServer,
  type EmulatorFaults,
  type EmulatorRequest,
  type EmulatorResponse,
  type NotifyAck,
  type PayOptions,
} from "./emulator-kit";

/**
 * 个码付 (gemafu) emulator, written from seed 001 / docs/providers/gemafu.md#wire-protocol: one endpoint taking raw JSON
 * `{data, sign}`, `sign = md5(ksort(data) as k1v1k2v2… + secret)`, reply `code` as the string "200", notify as raw
 * JSON, ack `200`.
 */

type Scalar = string | number | boolean | null;

/** The platform's PHP `ksort` + `$res .= $k . $v` + key, md5 lowercase. */
export function gemafuEmulatorSign(data: Record<string, Scalar>, secret: string): string {
  const str = (v: Scalar) => (v === null || v === false ? "" : v === true ? "1" : String(v));
  return md5Hex(
    Object.keys(data)
      .sort()
      .map((k) => k + str(data[k] ?? null))
      .join("") + secret,
  );
}

export interface GemafuEmulatorOptions {
  mId: number;
  secretKey: string;
  /** The `money` the platform asks for, given `m_money` (default: the same). */
  payAmount?: (mMoneyFen: number) => number;
  /** Answer free-amount codes (`freecode` truthy). */
  freecode?: boolean;
  /** Lifetime of a code (`expiration`); default 300 s. */
  ttlSeconds?: number;
  /** The platform's clock in ms (tests pass Paydesk's manual clock so `expiration` agrees with it). */
  now?: () => number;
  port?: number;
}

export interface GemafuEmulatorOrder {
  orderid: number;
  m_oid: string;
  m_money: number;
  money: number;
  notifyUrl: string;
  /** Whether the PlaceOrder request's sign was valid (an invalid one was refused). */
  signatureValid: boolean;
  data: Record<string, Scalar>;
  /** QueryOrder status: 0 unpaid, 2 done, 4 paid but the merchant's ack is still missing. */
  status: number;
  lastNotify?: string;
}

export interface GemafuQuery {
  orderid: number;
  signatureValid: boolean;
}

export interface GemafuEmulator {
  url: string;
  /** The `base_url` to configure: the single endpoint. */
  baseUrl: string;
  /** The options it runs with; mutable (e.g. switch `payAmount` or `freecode` between tests). */
  options: GemafuEmulatorOptions;
  orders: GemafuEmulatorOrder[];
  /** Every QueryOrder request, signature checked. */
  queries: GemafuQuery[];
  faults: EmulatorFaults;
  setFaults(f: Partial<EmulatorFaults>): void;
  order(ref: string | number): GemafuEmulatorOrder;
  /** Pays an order: sends the platform's signed notify to its `b_url`. */
  pay(ref: string | number, opts?: PayOptions): Promise<NotifyAck[]>;
  /** Sends the last notify of this order again, byte for byte (the platform's re-push). */
  repush(ref: string | number): Promise<NotifyAck>;
  /** Marks the order paid without notifying (a lost notify; only QueryOrder can tell). */
  markPaid(ref: string | number): void;
  close(): Promise<void>;
}

export async function startGemafuEmulator(options: GemafuEmulatorOptions): Promise<GemafuEmulator> {
  const orders: GemafuEmulatorOrder[] = [];
  const queries: GemafuQuery[] = [];
  let nextOrderId = 880_000_001;
  let nextPayId = 5_000_001;
  const switches = faultSwitches();
  const state = { faults: switches.faults };

  const fail = (code: string, msg: string) => json({ code, msg });

  async function handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    if (req.method !== "POST") return { status: 405, body: "POST only" };
    let envelope: { data?: Record<string, Scalar>; sign?: string };
    try {
      envelope = JSON.parse(req.body) as typeof envelope;
    } catch {
      return fail("201", "数据格式错误");
    }
    const data = envelope.data ?? {};
    const signatureValid = gemafuEmulatorSign(data, options.secretKey) === envelope.sign;
    if (data.method === "PlaceOrder") {
      const m_money = Number(data.m_money);
      const money = options.payAmount ? options.payAmount(m_money) : m_money;
      const order: GemafuEmulatorOrder = {
        orderid: nextOrderId++,
        m_oid: String(data.m_oid ?? ""),
        m_money,
        money,
        notifyUrl: String(data.b_url ?? ""),
        signatureValid,
        data,
        status: 0,
      };
      orders.push(order);
      if (state.faults.errorMessage) return fail("203", state.faults.errorMessage);
      if (!signatureValid) return fail("202", "签名错误");
      if (data.m_id !== options.mId) return fail("202", "商户号错误");
      const now = Math.floor((options.now ?? Date.now)() / 1000);
      return json({
        code: "200",
        orderid: order.orderid,
        m_oid: order.m_oid,
        m_money,
        userid: data.userid ?? "",
        appname: data.appname ?? "",
        f_url: data.f_url ?? "",
        money,
        qr_content: `wxp://f2f0${order.orderid.toString(36)}emu`,
        freecode: options.freecode ? "1" : "",
        expiration: now + (options.ttlSeconds ?? 300),
      });
    }
    if (data.method === "QueryOrder") {
      const orderid = Number(data.orderid);
      // "For JS queries, a sign of the fixed value nosign is not verified" (seed 001).
      const valid = envelope.sign === "nosign" || signatureValid;
      queries.push({ orderid, signatureValid: valid });
      if (state.faults.errorMessage) return fail("203", state.faults.errorMessage);
      if (!valid) return fail("202", "签名错误");
      const order = orders.find((o) => o.orderid === orderid);
      if (!order) return fail("204", "订单不存在");
      return json({ code: "200", status: order.status });
    }
    return fail("201", "未知方法");
  }

  const server = await startEmulatorServer(handle, () => state.faults, options.port);

  function order(ref: string | number): GemafuEmulatorOrder {
    const found = orders.find((o) => String(o.orderid) === String(ref) || o.m_oid === String(ref));
    if (!found) throw new Error(`gemafu emulator: no order ${ref}`);
    return found;
  }

  async function deliver(o: GemafuEmulatorOrder, body: string): Promise<NotifyAck> {
    o.lastNotify = body;
    const ack = await sendNotify(o.notifyUrl, body, "application/json");
    o.status = ack.body.trim() === "200" ? 2 : 4;
    return ack;
  }

  return {
    url: server.url,
    baseUrl: `${server.url}/pay`,
    options,
    orders,
    queries,
    ...switches,
    order,
    async pay(ref, opts = {}) {
      const o = order(ref);
      const data: Record<string, Scalar> = {
        orderid: o.orderid,
        payid: nextPayId++,
        pubtime: Math.floor(Date.now() / 1000),
        m_oid: o.m_oid,
        userid: o.data.userid ?? "",
        appname: o.data.appname ?? "",
        money: opts.amountFen ?? o.money,
        f_url: o.data.f_url ?? "",
        body: o.data.body ?? "",
      };
      let sign = gemafuEmulatorSign(data, options.secretKey);
      if (opts.badSignature) sign = gemafuEmulatorSign(data, `${options.secretKey}-wrong`);
      const body = JSON.stringify({ data, sign });
      return notifyWithDuplicates(() => deliver(o, body), opts.duplicates);
    },
    async repush(ref) {
      const o = order(ref);
      return deliver(o, lastNotifyOf(o, "gemafu", ref));
    },
    markPaid(ref) {
      order(ref).status = 4;
    },
    close: () => server.close(),
  };
}
