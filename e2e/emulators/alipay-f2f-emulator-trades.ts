import type { EmulatorFaults, EmulatorResponse } from "./emulator-kit";
import { beijing, fenOf, yuan, type AlipayEmulatorOrder } from "./alipay-f2f-emulator-wire";

/** What the trade methods need from the emulator: its orders, balance and clock, and its signed answers. */
export interface TradeContext {
  orders: AlipayEmulatorOrder[];
  state: { faults: EmulatorFaults; balanceFen: number | undefined };
  now: () => number;
  nextSeq: () => number;
  answer: (method: string, body: Record<string, unknown>) => EmulatorResponse;
  ok: (method: string, body: Record<string, unknown>) => EmulatorResponse;
  bizFail: (method: string, subCode: string, subMsg: string) => EmulatorResponse;
  argFail: (method: string, subCode: string, subMsg: string) => EmulatorResponse;
}

/**
 * alipay.trade.precreate / query / close / refund / fastpay.refund.query as the documentation describes them,
 * including their business error codes (ACQ.TRADE_NOT_EXIST, ACQ.TRADE_HAS_SUCCESS, ACQ.TRADE_STATUS_ERROR,
 * ACQ.REFUND_AMT_NOT_EQUAL_TOTAL, ACQ.SELLER_BALANCE_NOT_ENOUGH) and the platform-down answer (20000).
 */
export function tradeMethod(
  t: TradeContext,
  method: string,
  f: Record<string, string>,
  biz: Record<string, unknown>,
): EmulatorResponse {
  const { orders, state, now, ok, bizFail, argFail, answer } = t;
  if (state.faults.errorMessage) {
    return answer(method, {
      code: "20000",
      msg: "Service Currently Unavailable",
      sub_code: "isp.unknow-error",
      sub_msg: state.faults.errorMessage,
    });
  }
  const outTradeNo = typeof biz.out_trade_no === "string" ? biz.out_trade_no : "";
  const existing = orders.find((o) => o.out_trade_no === outTradeNo);
  switch (method) {
    case "alipay.trade.precreate": {
      const total = fenOf(String(biz.total_amount ?? ""));
      if (!outTradeNo || !(total > 0) || !biz.subject) return argFail(method, "isv.missing-parameter", "缺少必选参数");
      if (existing && (existing.status === "TRADE_SUCCESS" || existing.status === "TRADE_FINISHED"))
        return bizFail(method, "ACQ.TRADE_HAS_SUCCESS", "交易已被支付");
      if (existing && existing.status === "TRADE_CLOSED") return bizFail(method, "ACQ.TRADE_HAS_CLOSE", "交易已经关闭");
      const o: AlipayEmulatorOrder = existing ?? {
        out_trade_no: outTradeNo,
        total_amount: total,
        subject: String(biz.subject),
        notifyUrl: f.notify_url ?? "",
        time_expire: typeof biz.time_expire === "string" ? biz.time_expire : "",
        trade_no: `2026112222001${String(t.nextSeq()).padStart(15, "0")}`,
        status: "NOT_SCANNED",
        signatureValid: true,
        fields: f,
        biz,
        refunds: [],
      };
      if (!existing) orders.push(o);
      return ok(method, {
        out_trade_no: o.out_trade_no,
        qr_code: `https://qr.alipay.com/bax0${o.trade_no.slice(-12)}`,
      });
    }
    case "alipay.trade.query": {
      if (!existing || existing.status === "NOT_SCANNED") return bizFail(method, "ACQ.TRADE_NOT_EXIST", "交易不存在");
      return ok(method, {
        trade_no: existing.trade_no,
        out_trade_no: existing.out_trade_no,
        buyer_logon_id: "159****5620",
        trade_status: existing.status,
        total_amount: yuan(existing.total_amount),
        buyer_pay_amount: existing.status === "WAIT_BUYER_PAY" ? "0.00" : yuan(existing.total_amount),
        ...(existing.status === "TRADE_SUCCESS" ? { send_pay_date: beijing(now()) } : {}),
        buyer_user_id: "2088101117955611",
      });
    }
    case "alipay.trade.close": {
      if (!existing || existing.status === "NOT_SCANNED") return bizFail(method, "ACQ.TRADE_NOT_EXIST", "交易不存在");
      if (existing.status !== "WAIT_BUYER_PAY") return bizFail(method, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
      existing.status = "TRADE_CLOSED";
      return ok(method, { trade_no: existing.trade_no, out_trade_no: existing.out_trade_no });
    }
    case "alipay.trade.refund": {
      if (!existing || existing.status === "NOT_SCANNED" || existing.status === "WAIT_BUYER_PAY")
        return bizFail(method, "ACQ.TRADE_NOT_EXIST", "交易不存在");
      const requestNo = String(biz.out_request_no ?? existing.out_trade_no);
      const amount = fenOf(String(biz.refund_amount ?? ""));
      const refunded = existing.refunds.reduce((s, r) => s + r.refund_amount, 0);
      const again = existing.refunds.find((r) => r.out_request_no === requestNo);
      const base = {
        trade_no: existing.trade_no,
        out_trade_no: existing.out_trade_no,
        buyer_logon_id: "159****5620",
        refund_fee: yuan(refunded),
      };
      // The same out_request_no is idempotent: the earlier refund's answer, with no money moved this time.
      if (again) return ok(method, { ...base, fund_change: "N" });
      if (existing.status !== "TRADE_SUCCESS") return bizFail(method, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
      if (!(amount > 0)) return argFail(method, "isv.invalid-parameter", "refund_amount 不合法");
      if (refunded + amount > existing.total_amount)
        return bizFail(method, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
      if (state.balanceFen !== undefined && state.balanceFen < amount)
        return bizFail(method, "ACQ.SELLER_BALANCE_NOT_ENOUGH", "卖家余额不足");
      if (state.balanceFen !== undefined) state.balanceFen -= amount;
      existing.refunds.push({ out_request_no: requestNo, refund_amount: amount, gmt_refund_pay: beijing(now()) });
      if (refunded + amount === existing.total_amount) existing.status = "TRADE_CLOSED";
      return ok(method, {
        ...base,
        refund_fee: yuan(refunded + amount),
        fund_change: "Y",
        gmt_refund_pay: beijing(now()),
      });
    }
    case "alipay.trade.fastpay.refund.query": {
      if (!existing || existing.status === "NOT_SCANNED") return bizFail(method, "ACQ.TRADE_NOT_EXIST", "交易不存在");
      const r = existing.refunds.find((x) => x.out_request_no === String(biz.out_request_no ?? ""));
      // No such refund: a bare success, which the documentation says means "not refunded".
      if (!r) return ok(method, { trade_no: existing.trade_no, out_trade_no: existing.out_trade_no });
      return ok(method, {
        trade_no: existing.trade_no,
        out_trade_no: existing.out_trade_no,
        out_request_no: r.out_request_no,
        total_amount: yuan(existing.total_amount),
        refund_amount: yuan(r.refund_amount),
        refund_status: "REFUND_SUCCESS",
        gmt_refund_pay: r.gmt_refund_pay,
      });
    }
    default:
      return answer("error", {
        code: "40004",
        msg: "Business Failed",
        sub_code: "isv.invalid-method",
        sub_msg: "不存在的方法名",
      });
  }
}
