import { X509Certificate } from "node:crypto";
import {
  faultSwitches,
  readFields,
  sendNotify,
  startEmulatorServer,
  type EmulatorRequest,
  type EmulatorResponse,
  type NotifyAck,
} from "./emulator-kit";
import {
  alipayCertSn,
  alipayRootCertSn,
  alipaySignContent,
  beijing,
  rsa2Sign,
  rsa2Verify,
  yuan,
  type AlipayEmulator,
  type AlipayEmulatorCall,
  type AlipayEmulatorOptions,
  type AlipayEmulatorOrder,
  type AlipayPayOptions,
} from "./alipay-f2f-emulator-wire";
import { tradeMethod, type TradeContext } from "./alipay-f2f-emulator-trades";

export * from "./alipay-f2f-emulator-wire";

/**
 * Alipay open-platform gateway emulator for 当面付, written from the open platform's documentation (OpenAPI 2.0:
 * 签名/验签, alipay.trade.precreate/query/close/refund/fastpay.refund.query, 异步通知) and independent of lib/ and of
 * the alipay-sdk package, so a signing bug in either cannot be mirrored here:
 * - requests are form posts; the signature (RSA2 = SHA256withRSA, base64) covers every non-empty parameter but
 *   `sign`, sorted by name as `k=v&…`, and is verified with the app public key (公钥 mode) or the public key of the
 *   app certificate whose SN the request names (公钥证书 mode: app_cert_sn and alipay_root_cert_sn must match);
 * - answers are `{"<method>_response":{…},["alipay_cert_sn":…,]"sign":…}`, signed over the exact text of the
 *   response object with the platform key;
 * - notifies are form posts signed over every field but `sign` and `sign_type`; anything but the body `success`
 *   is retried (4m, 10m, 10m, 1h, 2h, 6h, 15h: `retries` replays that many at once).
 */

export async function startAlipayF2fEmulator(options: AlipayEmulatorOptions): Promise<AlipayEmulator> {
  const orders: AlipayEmulatorOrder[] = [];
  const calls: AlipayEmulatorCall[] = [];
  const now = options.now ?? Date.now;
  const switches = faultSwitches();
  const state = { faults: switches.faults, balanceFen: options.balanceFen };
  let seq = 1;
  const keys = options.keys;
  const cert =
    keys.mode === "cert"
      ? {
          appCert: new X509Certificate(keys.appCert),
          appCertSn: alipayCertSn(new X509Certificate(keys.appCert)),
          rootSn: alipayRootCertSn(keys.rootCert),
          platformSn: alipayCertSn(new X509Certificate(keys.platformCert)),
        }
      : null;

  function order(ref: string): AlipayEmulatorOrder {
    const found = orders.find((o) => o.out_trade_no === ref || o.trade_no === ref);
    if (!found) throw new Error(`alipay emulator: no order ${ref}`);
    return found;
  }

  /** The signed answer: the sign covers the response object's JSON text exactly as sent. */
  function answer(method: string, body: Record<string, unknown>): EmulatorResponse {
    const key = `${method.replaceAll(".", "_")}_response`;
    const inner = JSON.stringify(body);
    const sign = rsa2Sign(inner, keys.platformPrivateKey);
    const certPart = cert ? `,"alipay_cert_sn":"${cert.platformSn}"` : "";
    return {
      status: 200,
      body: `{"${key}":${inner}${certPart},"sign":"${sign}"}`,
      contentType: "text/html;charset=utf-8",
    };
  }
  const ok = (method: string, body: Record<string, unknown>) =>
    answer(method, { code: "10000", msg: "Success", ...body });
  const bizFail = (method: string, subCode: string, subMsg: string, extra: Record<string, unknown> = {}) =>
    answer(method, { code: "40004", msg: "Business Failed", sub_code: subCode, sub_msg: subMsg, ...extra });
  const argFail = (method: string, subCode: string, subMsg: string) =>
    answer(method, { code: "40002", msg: "Invalid Arguments", sub_code: subCode, sub_msg: subMsg });

  /** Checks the common parameters and the signature; null when the request may proceed. */
  function refuse(method: string, f: Record<string, string>): { response: EmulatorResponse; valid: boolean } | null {
    if (f.app_id !== options.appId)
      return { response: argFail(method, "isv.invalid-app-id", "无效的AppID参数"), valid: false };
    if (f.sign_type !== "RSA2")
      return { response: argFail(method, "isv.invalid-signature-type", "无效签名类型"), valid: false };
    if (f.charset && f.charset.toLowerCase() !== "utf-8")
      return { response: argFail(method, "isv.invalid-charset", "字符集错误"), valid: false };
    if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(f.timestamp ?? ""))
      return { response: argFail(method, "isv.invalid-timestamp", "非法的时间戳参数"), valid: false };
    if (!f.sign) return { response: argFail(method, "isv.missing-signature", "缺少签名参数"), valid: false };
    if (cert) {
      if (f.app_cert_sn !== cert.appCertSn)
        return { response: argFail(method, "isv.app-cert-not-exist", "应用公钥证书不存在"), valid: false };
      if (f.alipay_root_cert_sn !== cert.rootSn)
        return { response: argFail(method, "isv.invalid-alipay-root-cert-sn", "无效支付宝根证书序列号"), valid: false };
    }
    const content = alipaySignContent(f, ["sign"]);
    const publicKey = keys.mode === "key" ? keys.appPublicKey : cert!.appCert.publicKey;
    if (!rsa2Verify(content, f.sign, publicKey)) {
      return {
        response: argFail(
          method,
          "isv.invalid-signature",
          `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content}`,
        ),
        valid: false,
      };
    }
    return null;
  }

  async function handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    if (req.method !== "POST") return { status: 405, body: "POST only" };
    const f = readFields(req);
    const method = f.method ?? "";
    let biz: Record<string, unknown> = {};
    try {
      biz = JSON.parse(f.biz_content ?? "{}") as Record<string, unknown>;
    } catch {
      return argFail(method, "isv.invalid-biz-content", "biz_content 格式错误");
    }
    const refused = refuse(method, f);
    const call: AlipayEmulatorCall = { method, signatureValid: refused === null, biz, answered: "" };
    calls.push(call);
    const out = refused?.response ?? tradeMethod(trade, method, f, biz);
    const m = /"sub_code":"([^"]+)"/.exec(out.body);
    call.answered = m?.[1] ?? "";
    return out;
  }

  const trade: TradeContext = {
    orders,
    state,
    now,
    nextSeq: () => seq++,
    answer,
    ok,
    bizFail,
    argFail,
  };

  const server = await startEmulatorServer(handle, () => state.faults, options.port);

  function notifyBody(ref: string, opts: AlipayPayOptions = {}): string {
    const o = order(ref);
    const total = yuan(opts.amountFen ?? o.total_amount);
    const fields: Record<string, string> = {
      gmt_create: beijing(now() - 5_000),
      charset: "utf-8",
      seller_email: "shop@example.com",
      subject: o.subject,
      sign_type: "RSA2",
      buyer_id: "2088102122524333",
      invoice_amount: total,
      notify_id: `2026112200222${String(seq++).padStart(10, "0")}`,
      fund_bill_list: JSON.stringify([{ amount: total, fundChannel: "ALIPAYACCOUNT" }]),
      notify_type: "trade_status_sync",
      trade_status: opts.tradeStatus ?? "TRADE_SUCCESS",
      receipt_amount: total,
      buyer_pay_amount: total,
      app_id: opts.appId ?? options.appId,
      seller_id: options.sellerId ?? "2088102119685838",
      gmt_payment: beijing(now()),
      notify_time: beijing(now()),
      version: "1.0",
      out_trade_no: o.out_trade_no,
      total_amount: total,
      trade_no: o.trade_no,
      auth_app_id: opts.appId ?? options.appId,
      point_amount: "0.00",
      ...(opts.extra ?? {}),
    };
    let sign = rsa2Sign(alipaySignContent(fields, ["sign", "sign_type"]), keys.platformPrivateKey);
    if (opts.badSignature) sign = `${sign.slice(0, 20)}${sign[20] === "A" ? "B" : "A"}${sign.slice(21)}`;
    return new URLSearchParams({ ...fields, ...(opts.tamper ?? {}), sign }).toString();
  }

  async function deliver(o: AlipayEmulatorOrder, body: string, retries: number): Promise<NotifyAck[]> {
    o.lastNotify = body;
    const acks = [await sendNotify(o.notifyUrl, body, "application/x-www-form-urlencoded; charset=utf-8")];
    for (let i = 0; i < retries && acks[acks.length - 1]!.body !== "success"; i++) {
      acks.push(await sendNotify(o.notifyUrl, body, "application/x-www-form-urlencoded; charset=utf-8"));
    }
    return acks;
  }

  return {
    url: server.url,
    gateway: `${server.url}/gateway.do`,
    orders,
    calls,
    ...switches,
    order,
    scan(ref) {
      const o = order(ref);
      if (o.status === "NOT_SCANNED") o.status = "WAIT_BUYER_PAY";
    },
    async pay(ref, opts = {}) {
      const o = order(ref);
      o.status = opts.tradeStatus ?? "TRADE_SUCCESS";
      const body = notifyBody(ref, opts);
      const acks = await deliver(o, body, opts.retries ?? 0);
      // Alipay's own duplicates: the same notify again, after the merchant already said success.
      for (let i = 0; i < (opts.duplicates ?? 0); i++) acks.push(...(await deliver(o, body, 0)));
      return acks;
    },
    markPaid(ref) {
      order(ref).status = "TRADE_SUCCESS";
    },
    notifyBody,
    setBalance(fen) {
      state.balanceFen = fen;
    },
    close: () => server.close(),
  };
}
