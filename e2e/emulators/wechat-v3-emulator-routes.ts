import {
  fail,
  reply,
  rfc3339,
  type Out,
  type WechatEmulatorOrder,
  type WechatEmulatorRefund,
  type WechatV3EmulatorOptions,
} from "./wechat-v3-emulator-wire";
import type { EmulatorFaults } from "./emulator-kit";

/** What the routes need from the emulator. */
export interface RouteContext {
  orders: WechatEmulatorOrder[];
  state: { faults: EmulatorFaults; balanceFen: number | undefined };
  now: () => number;
  nextSeq: () => number;
  options: WechatV3EmulatorOptions;
}

/**
 * The APIv3 endpoints of Native payment and refunds, with the documented error answers (PARAM_ERROR,
 * APPID_MCHID_NOT_MATCH, ORDER_NOT_EXIST, ORDERPAID, NOT_ENOUGH, RESOURCE_NOT_EXISTS, SYSTEM_ERROR …).
 */
export function route(t: RouteContext, method: string, url: URL, raw: string): Out {
  const { orders, state, now, options } = t;
  let body: Record<string, unknown> = {};
  if (raw) {
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return fail(400, "PARAM_ERROR", "请求体不是合法的JSON");
    }
  }
  if (state.faults.errorMessage) return fail(500, "SYSTEM_ERROR", state.faults.errorMessage);
  const p = url.pathname;
  if (method === "POST" && p === "/v3/pay/transactions/native") {
    const amount = body.amount as { total?: unknown; currency?: unknown } | undefined;
    const outTradeNo = String(body.out_trade_no ?? "");
    if (body.mchid !== options.mchid) return fail(400, "MCH_NOT_EXISTS", "商户号不存在");
    if (body.appid !== options.appid) return fail(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配");
    if (!/^[A-Za-z0-9_|*-]{6,32}$/.test(outTradeNo)) return fail(400, "PARAM_ERROR", "out_trade_no 不合法");
    if (typeof amount?.total !== "number" || !Number.isInteger(amount.total) || amount.total <= 0)
      return fail(400, "PARAM_ERROR", "amount.total 不合法");
    if (typeof body.notify_url !== "string" || body.notify_url.includes("?"))
      return fail(400, "PARAM_ERROR", "notify_url 不合法");
    const existing = orders.find((o) => o.out_trade_no === outTradeNo);
    if (existing && existing.trade_state === "SUCCESS") return fail(400, "ORDERPAID", "订单已支付");
    if (existing && existing.trade_state === "CLOSED") return fail(400, "ORDER_CLOSED", "订单已关闭");
    if (existing && existing.total !== amount.total) return fail(400, "OUT_TRADE_NO_USED", "商户订单号重复");
    const o: WechatEmulatorOrder = existing ?? {
      out_trade_no: outTradeNo,
      total: amount.total,
      description: String(body.description ?? ""),
      notifyUrl: body.notify_url,
      time_expire: String(body.time_expire ?? ""),
      transaction_id: `42000026202611221${String(t.nextSeq()).padStart(11, "0")}`,
      trade_state: "NOTPAY",
      signatureValid: true,
      body,
      refunds: [],
    };
    if (!existing) orders.push(o);
    return reply(200, { code_url: `weixin://wxpay/bizpayurl?pr=${o.transaction_id.slice(-7)}` });
  }
  const query = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(p);
  if (method === "GET" && query) {
    if (url.searchParams.get("mchid") !== options.mchid) return fail(400, "PARAM_ERROR", "mchid 不合法");
    const o = orders.find((x) => x.out_trade_no === decodeURIComponent(query[1]!));
    if (!o) return fail(404, "ORDER_NOT_EXIST", "订单不存在");
    return reply(200, {
      appid: options.appid,
      mchid: options.mchid,
      out_trade_no: o.out_trade_no,
      ...(o.trade_state === "SUCCESS" || o.trade_state === "REFUND"
        ? {
            transaction_id: o.transaction_id,
            trade_type: "NATIVE",
            bank_type: "OTHERS",
            success_time: rfc3339(now()),
            payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
            amount: { total: o.total, payer_total: o.total, currency: "CNY", payer_currency: "CNY" },
          }
        : {}),
      trade_state: o.trade_state,
      trade_state_desc: { NOTPAY: "未支付", SUCCESS: "支付成功", CLOSED: "已关闭", REFUND: "转入退款" }[o.trade_state],
    });
  }
  const close = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(p);
  if (method === "POST" && close) {
    if (body.mchid !== options.mchid) return fail(400, "PARAM_ERROR", "mchid 不合法");
    const o = orders.find((x) => x.out_trade_no === decodeURIComponent(close[1]!));
    if (!o) return fail(404, "ORDER_NOT_EXIST", "订单不存在");
    if (o.trade_state === "SUCCESS" || o.trade_state === "REFUND") return fail(400, "ORDERPAID", "订单已支付");
    o.trade_state = "CLOSED";
    return { status: 204, body: "", sign: true };
  }
  if (method === "POST" && p === "/v3/refund/domestic/refunds") {
    const o = orders.find((x) => x.out_trade_no === body.out_trade_no || x.transaction_id === body.transaction_id);
    const amount = body.amount as { refund?: unknown; total?: unknown; currency?: unknown } | undefined;
    const outRefundNo = String(body.out_refund_no ?? "");
    if (!o || (o.trade_state !== "SUCCESS" && o.trade_state !== "REFUND"))
      return fail(404, "RESOURCE_NOT_EXISTS", "订单不存在");
    if (typeof amount?.refund !== "number" || amount.refund <= 0 || amount.total !== o.total)
      return fail(400, "PARAM_ERROR", "amount 不合法（total 须为原订单金额）");
    const again = o.refunds.find((r) => r.out_refund_no === outRefundNo);
    const refunded = o.refunds.reduce((s, r) => s + (r.status === "CLOSED" ? 0 : r.refund), 0);
    if (!again) {
      if (refunded + amount.refund > o.total) return fail(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额");
      if (state.balanceFen !== undefined && state.balanceFen < amount.refund)
        return fail(403, "NOT_ENOUGH", "基本账户余额不足，请充值后重新发起");
      if (state.balanceFen !== undefined) state.balanceFen -= amount.refund;
    }
    const r = again ?? {
      refund_id: `50000000382026112200${String(t.nextSeq()).padStart(12, "0")}`,
      out_refund_no: outRefundNo,
      refund: amount.refund,
      status: "SUCCESS" as const,
      create_time: rfc3339(now()),
    };
    if (!again) o.refunds.push(r);
    o.trade_state = "REFUND";
    return reply(200, refundView(o, r));
  }
  const refundQuery = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(p);
  if (method === "GET" && refundQuery) {
    const no = decodeURIComponent(refundQuery[1]!);
    for (const o of orders) {
      const r = o.refunds.find((x) => x.out_refund_no === no);
      if (r) return reply(200, refundView(o, r));
    }
    return fail(404, "RESOURCE_NOT_EXISTS", "退款单不存在");
  }
  return fail(404, "NOT_FOUND", "无此接口");
}

export function refundView(o: WechatEmulatorOrder, r: WechatEmulatorRefund) {
  return {
    refund_id: r.refund_id,
    out_refund_no: r.out_refund_no,
    transaction_id: o.transaction_id,
    out_trade_no: o.out_trade_no,
    channel: "ORIGINAL",
    user_received_account: "支付用户零钱",
    ...(r.status === "SUCCESS" ? { success_time: r.create_time } : {}),
    create_time: r.create_time,
    status: r.status,
    funds_account: "AVAILABLE",
    amount: {
      total: o.total,
      refund: r.refund,
      payer_total: o.total,
      payer_refund: r.refund,
      settlement_refund: r.refund,
      settlement_total: o.total,
      discount_refund: 0,
      currency: "CNY",
    },
  };
}
