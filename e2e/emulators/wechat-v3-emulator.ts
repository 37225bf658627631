import { createPublicKey, createSign, createVerify, randomBytes, X509Certificate } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { faultSwitches, sleep, type NotifyAck } from "./emulator-kit";
import { route, type RouteContext } from "./wechat-v3-emulator-routes";
import {
  encrypt,
  parseAuthorization,
  rfc3339,
  type Out,
  type WechatEmulatorCall,
  type WechatEmulatorOrder,
  type WechatPayOptions,
  type WechatV3Emulator,
  type WechatV3EmulatorOptions,
} from "./wechat-v3-emulator-wire";

export * from "./wechat-v3-emulator-wire";

/**
 * WeChat Pay APIv3 emulator for Native payment, written from WeChat Pay's APIv3 documentation (签名生成, 签名验证,
 * 回调通知和验签, Native下单/查询订单/关闭订单, 退款申请/查询单笔退款, 退款结果通知) and independent of lib/:
 * - every request must carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,timestamp=…,
 *   serial_no=…`, signed over `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` with the merchant key whose certificate
 *   serial is `serial_no`, and be within 5 minutes of the emulator's clock; otherwise 401 SIGN_ERROR, unsigned;
 * - every other answer is signed over `TIMESTAMP\nNONCE\nBODY\n` (Wechatpay-Timestamp/-Nonce/-Signature/-Serial)
 *   with the WeChat Pay public-key pair (公钥 mode, serial PUB_KEY_ID_…) or a platform certificate's key;
 * - notifies are JSON with a `resource` encrypted AEAD_AES_256_GCM under the APIv3 key, signed like answers; a
 *   notify is delivered when the merchant answers 200/204, otherwise re-sent (`retries` replays that many at once).
 * It has its own HTTP server (emulator-kit's passes no headers): the protocol lives in headers.
 */

export async function startWechatV3Emulator(options: WechatV3EmulatorOptions): Promise<WechatV3Emulator> {
  const orders: WechatEmulatorOrder[] = [];
  const calls: WechatEmulatorCall[] = [];
  const now = options.now ?? Date.now;
  const switches = faultSwitches();
  const state = { faults: switches.faults, balanceFen: options.balanceFen };
  let seq = 1;
  const merchantKey = options.merchantPublicKey.includes("CERTIFICATE")
    ? new X509Certificate(options.merchantPublicKey).publicKey
    : createPublicKey(options.merchantPublicKey);

  function signed(timestamp: number, nonce: string, body: string, serial = options.signer.serial) {
    const signature = createSign("RSA-SHA256")
      .update(`${timestamp}\n${nonce}\n${body}\n`, "utf8")
      .sign(options.signer.privateKey, "base64");
    return {
      "Wechatpay-Timestamp": String(timestamp),
      "Wechatpay-Nonce": nonce,
      "Wechatpay-Signature": signature,
      "Wechatpay-Serial": serial,
    };
  }

  function order(ref: string): WechatEmulatorOrder {
    const found = orders.find((o) => o.out_trade_no === ref || o.transaction_id === ref);
    if (!found) throw new Error(`wechat emulator: no order ${ref}`);
    return found;
  }

  function authenticate(method: string, pathAndQuery: string, body: string, header: string | undefined) {
    const a = parseAuthorization(header);
    if (!a) return "Authorization 缺失或格式错误";
    if (a.mchid !== options.mchid) return "mchid 与证书不符";
    if (a.serial_no?.toUpperCase() !== options.merchantSerial.toUpperCase()) return "证书序列号错误";
    const ts = Number(a.timestamp);
    if (!Number.isFinite(ts) || Math.abs(ts * 1000 - now()) > 5 * 60 * 1000) return "时间戳过期";
    const message = `${method}\n${pathAndQuery}\n${a.timestamp}\n${a.nonce_str}\n${body}\n`;
    let ok = false;
    try {
      ok = createVerify("RSA-SHA256")
        .update(message, "utf8")
        .verify(merchantKey, a.signature ?? "", "base64");
    } catch {
      ok = false;
    }
    return ok ? null : "签名错误";
  }

  const ctx: RouteContext = { orders, state, now, nextSeq: () => seq++, options };

  let listening = options.port ?? 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const f = state.faults;
        if (f.delayMs > 0) await sleep(f.delayMs);
        const method = req.method ?? "GET";
        const pathAndQuery = req.url ?? "/";
        const url = new URL(pathAndQuery, `http://127.0.0.1:${listening}`);
        const raw = Buffer.concat(chunks).toString("utf8");
        let out: Out;
        const call: WechatEmulatorCall = { method, path: url.pathname, signatureValid: false, status: 0 };
        calls.push(call);
        if (f.httpStatus !== null)
          out = { status: f.httpStatus, body: "<html>Bad Gateway</html>", sign: false, contentType: "text/html" };
        else if (f.garbage)
          out = { status: 200, body: "<html>upstream error</html>", sign: false, contentType: "text/html" };
        else {
          const refused = authenticate(method, pathAndQuery, raw, req.headers.authorization);
          call.signatureValid = refused === null;
          if (refused) {
            call.refused = refused;
            out = { status: 401, body: JSON.stringify({ code: "SIGN_ERROR", message: refused }), sign: false };
          } else out = route(ctx, method, url, raw);
        }
        call.status = out.status;
        if (res.destroyed) return;
        const headers: Record<string, string> = {
          "Content-Type": out.contentType ?? "application/json; charset=utf-8",
          "Request-ID": `08F4D6${String(seq++).padStart(20, "0")}`,
        };
        if (out.sign)
          Object.assign(headers, signed(Math.floor(now() / 1000), randomBytes(16).toString("hex"), out.body));
        res.writeHead(out.status, headers);
        res.end(out.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(listening, "127.0.0.1", resolve));
  listening = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${listening}`;

  function notify(ref: string, opts: WechatPayOptions = {}) {
    const o = order(ref);
    const total = opts.amountFen ?? o.total;
    const transaction = {
      mchid: opts.mchid ?? options.mchid,
      appid: opts.appid ?? options.appid,
      out_trade_no: o.out_trade_no,
      transaction_id: o.transaction_id,
      trade_type: "NATIVE",
      trade_state: "SUCCESS",
      trade_state_desc: "支付成功",
      bank_type: "CMC",
      attach: "",
      success_time: rfc3339(now()),
      payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
      amount: { total, payer_total: total, currency: "CNY", payer_currency: "CNY" },
    };
    const envelope = {
      id: `EV-2026112212${String(seq++).padStart(8, "0")}`,
      create_time: rfc3339(now()),
      resource_type: "encrypt-resource",
      event_type: "TRANSACTION.SUCCESS",
      summary: "支付成功",
      resource: {
        original_type: "transaction",
        ...encrypt(opts.apiv3Key ?? options.apiv3Key, JSON.stringify(transaction), "transaction"),
      },
    };
    const body = JSON.stringify(envelope);
    const headers = signed(
      Math.floor((now() + (opts.timestampOffsetMs ?? 0)) / 1000),
      randomBytes(16).toString("hex"),
      body,
      opts.serial,
    );
    if (opts.badSignature) headers["Wechatpay-Signature"] = `${headers["Wechatpay-Signature"].slice(0, -4)}AAA=`;
    return { body: opts.tamper ? opts.tamper(body) : body, headers };
  }

  async function send(target: string, n: { body: string; headers: Record<string, string> }): Promise<NotifyAck> {
    const res = await fetch(target, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...n.headers },
      body: n.body,
      redirect: "manual",
    });
    return { status: res.status, body: await res.text() };
  }
  const delivered = (a: NotifyAck) => a.status === 200 || a.status === 204;

  return {
    url,
    baseUrl: url,
    orders,
    calls,
    ...switches,
    order,
    async pay(ref, opts = {}) {
      const o = order(ref);
      o.trade_state = "SUCCESS";
      const n = notify(ref, opts);
      const acks = [await send(o.notifyUrl, n)];
      for (let i = 0; i < (opts.retries ?? 0) && !delivered(acks[acks.length - 1]!); i++)
        acks.push(await send(o.notifyUrl, n));
      for (let i = 0; i < (opts.duplicates ?? 0); i++) acks.push(await send(o.notifyUrl, n));
      return acks;
    },
    markPaid(ref) {
      order(ref).trade_state = "SUCCESS";
    },
    notify,
    async refundNotify(outRefundNo, target) {
      const o = orders.find((x) => x.refunds.some((r) => r.out_refund_no === outRefundNo));
      const r = o?.refunds.find((x) => x.out_refund_no === outRefundNo);
      if (!o || !r) throw new Error(`wechat emulator: no refund ${outRefundNo}`);
      const resource = {
        mchid: options.mchid,
        out_trade_no: o.out_trade_no,
        transaction_id: o.transaction_id,
        out_refund_no: r.out_refund_no,
        refund_id: r.refund_id,
        refund_status: r.status,
        success_time: r.create_time,
        user_received_account: "支付用户零钱",
        amount: { total: o.total, refund: r.refund, payer_total: o.total, payer_refund: r.refund },
      };
      const body = JSON.stringify({
        id: `EV-R-${String(seq++).padStart(8, "0")}`,
        create_time: rfc3339(now()),
        resource_type: "encrypt-resource",
        event_type: `REFUND.${r.status === "SUCCESS" ? "SUCCESS" : r.status === "CLOSED" ? "CLOSED" : "ABNORMAL"}`,
        summary: "退款成功",
        resource: { original_type: "refund", ...encrypt(options.apiv3Key, JSON.stringify(resource), "refund") },
      });
      return send(target, { body, headers: signed(Math.floor(now() / 1000), randomBytes(16).toString("hex"), body) });
    },
    setBalance(fen) {
      state.balanceFen = fen;
    },
    setRefundStatus(no, status) {
      for (const o of orders) for (const r of o.refunds) if (r.out_refund_no === no) r.status = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
