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
 * 云端 (cloudpay) upstream emulator, written from seed 003 / docs/protocols/cloudpay.md (create, notify) and
 * docs/providers/cloudpay.md: the seed platform's `POST /api/cloudpay/create`, its reply shape (`data.pay_url`,
 * `qrcode_url`, `params`, no order id), and its async notify to the URL configured in its back office (not sent per
 * order). Ack `success`; anything else is retried.
 */

/** `md5(md5(part1 + part2 + …) + appsecret)`, the seed's double MD5. */
function doubleMd5(parts: string[], appsecret: string): string {
  return md5Hex(md5Hex(parts.join("")) + appsecret);
}

export function cloudpayEmulatorCreateSign(f: Record<string, string>, appkey: string, appsecret: string): string {
  return doubleMd5([appkey, f.price ?? "", f.type ?? "", f.out_order_id ?? "", f.custom ?? ""], appsecret);
}

export function cloudpayEmulatorNotifySign(f: Record<string, string>, appkey: string, appsecret: string): string {
  const order = ["order_id", "out_order_id", "price", "realprice", "type", "paytime", "extend"];
  return doubleMd5([appkey, ...order.map((k) => f[k] ?? "")], appsecret);
}

export interface CloudpayEmulatorOptions {
  appkey: string;
  appsecret: string;
  /** The 异步回调地址 configured in the upstream's back office; settable later through `notifyUrl`. */
  notifyUrl?: string;
  /** Also answer Paydesk's additions (`order_id`, `pay_amount`, `expires_at`), as a Paydesk upstream would. */
  paydeskExtras?: boolean;
  /** The upstream's clock in ms (for `expires_at`; tests pass Paydesk's manual clock). */
  now?: () => number;
  port?: number;
}

export interface CloudpayEmulatorOrder {
  /** The upstream's order number (the seed types it as an integer). */
  order_id: string;
  /** The opaque id in `pay_url`. */
  pay_id: string;
  out_order_id: string;
  price: string;
  type: string;
  custom: string;
  signatureValid: boolean;
  fields: Record<string, string>;
  paid: boolean;
  lastNotify?: string;
}

export interface CloudpayEmulator {
  url: string;
  baseUrl: string;
  /** Where notifies go (the upstream's account setting). */
  notifyUrl: string;
  orders: CloudpayEmulatorOrder[];
  faults: EmulatorFaults;
  setFaults(f: Partial<EmulatorFaults>): void;
  order(ref: string): CloudpayEmulatorOrder;
  pay(ref: string, opts?: PayOptions): Promise<NotifyAck[]>;
  repush(ref: string): Promise<NotifyAck>;
  close(): Promise<void>;
}

const yuanOf = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
const fenOf = (yuan: string) => {
  const [whole = "0", frac = ""] = yuan.split(".");
  return Number(whole) * 100 + Number(frac.padEnd(2, "0"));
};

export async function startCloudpayEmulator(options: CloudpayEmulatorOptions): Promise<CloudpayEmulator> {
  const orders: CloudpayEmulatorOrder[] = [];
  const switches = faultSwitches();
  const state = { faults: switches.faults, notifyUrl: options.notifyUrl ?? "" };
  let seq = 70_001;
  const time = () => String(Math.floor(Date.now() / 1000));
  const error = (code: number, msg: string) => json({ code, msg, time: time() });

  async function handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    if (req.url.pathname !== "/api/cloudpay/create") return { status: 404, body: "not found" };
    const f = readFields(req);
    if (!f.appkey) return error(101, "秘钥必须");
    if (f.appkey !== options.appkey) return error(102, "无效的秘钥");
    if (!f.sign) return error(103, "签名必须");
    const signatureValid = cloudpayEmulatorCreateSign(f, options.appkey, options.appsecret) === f.sign;
    const o: CloudpayEmulatorOrder = {
      order_id: String(seq),
      pay_id: `5cc7${(seq++).toString(16)}0b418`,
      out_order_id: f.out_order_id ?? "",
      price: f.price ?? "",
      type: f.type ?? "",
      custom: f.custom ?? "",
      signatureValid,
      fields: f,
      paid: false,
    };
    orders.push(o);
    if (!signatureValid) return error(104, "无效的签名");
    if (state.faults.errorMessage) return error(208, state.faults.errorMessage);
    if (!/^\d+(\.\d{1,2})?$/.test(o.price) || fenOf(o.price) <= 0) return error(201, "价格无效");
    if (!["alipay", "wxpay", "qqpay"].includes(o.type)) return error(202, "无效的支付方式");
    const payUrl = `${server.url}/pay/api?id=${o.pay_id}&type=${o.type}`;
    const data: Record<string, unknown> = {
      pay_url: payUrl,
      qrcode_url: `${server.url}/qrcode/build?size=130&text=${encodeURIComponent(payUrl)}`,
      params: {
        appkey: f.appkey,
        price: o.price,
        type: o.type,
        out_order_id: o.out_order_id,
        custom: o.custom,
        sign: f.sign,
      },
    };
    if (options.paydeskExtras) {
      data.order_id = o.order_id;
      data.pay_amount = yuanOf(fenOf(o.price));
      data.expires_at = Math.floor((options.now ?? Date.now)() / 1000) + 300;
    }
    return json({ code: 100, msg: "请求成功", time: time(), data });
  }

  const server = await startEmulatorServer(handle, () => state.faults, options.port);

  function order(ref: string): CloudpayEmulatorOrder {
    const found = orders.find((o) => o.order_id === ref || o.out_order_id === ref || o.pay_id === ref);
    if (!found) throw new Error(`cloudpay emulator: no order ${ref}`);
    return found;
  }

  async function deliver(o: CloudpayEmulatorOrder, body: string): Promise<NotifyAck> {
    if (!state.notifyUrl) throw new Error("cloudpay emulator: no notify URL configured");
    o.lastNotify = body;
    return sendNotify(state.notifyUrl, body, "application/x-www-form-urlencoded");
  }

  return {
    url: server.url,
    baseUrl: server.url,
    get notifyUrl() {
      return state.notifyUrl;
    },
    set notifyUrl(url: string) {
      state.notifyUrl = url;
    },
    orders,
    ...switches,
    order,
    async pay(ref, opts = {}) {
      const o = order(ref);
      o.paid = true;
      const fields: Record<string, string> = {
        order_id: o.order_id,
        out_order_id: o.out_order_id,
        price: yuanOf(fenOf(o.price)),
        realprice: yuanOf(opts.amountFen ?? fenOf(o.price)),
        type: o.type,
        paytime: String(Math.floor(Date.now() / 1000)),
        extend: o.custom,
      };
      const secret = opts.badSignature ? `${options.appsecret}!` : options.appsecret;
      const body = new URLSearchParams({
        ...fields,
        sign: cloudpayEmulatorNotifySign(fields, options.appkey, secret),
      }).toString();
      return notifyWithDuplicates(() => deliver(o, body), opts.duplicates);
    },
    async repush(ref) {
      const o = order(ref);
      return deliver(o, lastNotifyOf(o, "cloudpay", ref));
    },
    close: () => server.close(),
  };
}
