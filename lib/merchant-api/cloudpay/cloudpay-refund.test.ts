import { describe, expect, it } from "vitest";
import { merchantHandler } from "@/lib/http/merchant-handler";
import { applyPayment } from "@/lib/orders/apply-payment";
import { refundsOf } from "@/lib/orders/refunds";
import { describeOnDatabases } from "@/test/support/databases";
import { payThroughEmulator, useOfficialPaydesk } from "@/test/support/official-channels";
import { signedCreateParams } from "@/test/support/merchant-client";
import { testConfigFile, TEST_MERCHANT, type TestContext } from "@/test/support/test-context";
import { queryRefundApi, refundOrderApi, refundQuerySign, refundSign } from "./cloudpay-refund";

/** A personal-code shop: its only channel (the sandbox) cannot pay back by API. */
const CODES = { appkey: "codes", appsecret: "codes-secret-0123456789abcdef0123" } as const;

interface Answer {
  code: number;
  msg: string;
  data?: Record<string, unknown>;
}

/**
 * Paydesk's 云端 refund and refund query (docs/protocols/cloudpay.md#refund) end to end: the shop's signed request,
 * the refund service, and the Alipay 当面付 and WeChat Pay v3 emulators paying back (or refusing), on both databases.
 */
describeOnDatabases("云端 refund and refund query", (dialect) => {
  const env = useOfficialPaydesk(dialect, {
    timeoutMs: 1_000,
    file: (official) => {
      const base = testConfigFile().merchants[0]!;
      return testConfigFile({
        merchants: [
          { ...base, channels: ["ali", "wx"] },
          { ...base, ...CODES, name: "码店", channels: ["sandbox"] },
        ],
        channels: [...official.channels, { id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay", "qqpay"] }],
      });
    },
  });
  let n = 0;

  const factory = () => Promise.resolve(env.ctx as TestContext);
  const refundRoute = merchantHandler(refundOrderApi, factory);
  const queryRoute = merchantHandler(queryRefundApi, factory);
  const call = async (route: (r: Request) => Promise<Response>, params: Record<string, string>): Promise<Answer> =>
    (await (
      await route(
        new Request("http://paydesk.test/api/cloudpay/refund", { method: "POST", body: new URLSearchParams(params) }),
      )
    ).json()) as Answer;

  function refundParams(
    outOrderId: string,
    refundNo: string,
    amount: string,
    merchant: { appkey: string; appsecret: string } = TEST_MERCHANT,
  ) {
    const p = { appkey: merchant.appkey, out_order_id: outOrderId, refund_no: refundNo, amount };
    return { ...p, sign: refundSign(p, merchant.appsecret) };
  }
  function queryParams(outOrderId: string, refundNo: string) {
    const p = { appkey: TEST_MERCHANT.appkey, out_order_id: outOrderId, refund_no: refundNo };
    return { ...p, sign: refundQuerySign(p, TEST_MERCHANT.appsecret) };
  }
  const refund = (outOrderId: string, refundNo: string, amount: string) =>
    call(refundRoute, refundParams(outOrderId, refundNo, amount));
  const query = (outOrderId: string, refundNo: string) => call(queryRoute, queryParams(outOrderId, refundNo));

  async function paidOrder(type: "alipay" | "wxpay", price: string) {
    const outOrderId = `rf-${dialect}-${++n}`;
    const res = await fetch(`${env.paydesk.url}/api/cloudpay/create`, {
      method: "POST",
      body: new URLSearchParams(signedCreateParams({ price, type, out_order_id: outOrderId, custom: "u1" })),
    });
    const created = (await res.json()) as { code: number; msg: string; data: { order_id: string } };
    expect(created.code, created.msg).toBe(100);
    const orderId = created.data.order_id;
    await payThroughEmulator(env, type, orderId);
    return { orderId, outOrderId };
  }
  const aliRefundCalls = (orderId: string) =>
    env.ali.calls.filter((c) => c.method === "alipay.trade.refund" && c.biz.out_trade_no === orderId);

  describe("Alipay 当面付", () => {
    it("refunds part of an order once per refund number; a repeat answers the same refund", async () => {
      const { orderId, outOrderId } = await paidOrder("alipay", "1.00");
      const first = await refund(outOrderId, "RF-0001", "0.30");
      expect(first.code, first.msg).toBe(100);
      expect(first.data).toMatchObject({
        order_id: orderId,
        out_order_id: outOrderId,
        refund_no: "RF-0001",
        amount: "0.30",
        status: "succeeded",
        paid: "1.00",
        refunded: "0.30",
        remaining: "0.70",
      });
      expect(env.ali.order(orderId).refunds).toEqual([
        expect.objectContaining({ out_request_no: "RF-0001", refund_amount: 30 }),
      ]);
      // The shop's retry (its answer was lost): the same refund, nothing sent upstream again.
      const again = await refund(outOrderId, "RF-0001", "0.30");
      expect(again.code).toBe(100);
      expect(again.data).toMatchObject({ refund_no: "RF-0001", status: "succeeded", refunded: "0.30" });
      expect(aliRefundCalls(orderId)).toHaveLength(1);
      // Two honest refunds of the same amount are two refunds.
      expect((await refund(outOrderId, "RF-0002", "0.30")).data).toMatchObject({ refunded: "0.60", remaining: "0.40" });
      expect(env.ali.order(orderId).refunds).toHaveLength(2);
      expect((await query(outOrderId, "RF-0001")).data).toMatchObject({ status: "succeeded", amount: "0.30" });
    });

    it("concurrent requests never refund beyond the paid amount, and one number refunds once", async () => {
      const { orderId, outOrderId } = await paidOrder("alipay", "1.00");
      const distinct = await Promise.all(Array.from({ length: 5 }, (_, i) => refund(outOrderId, `RF-CC-${i}`, "0.30")));
      expect(distinct.filter((a) => a.code === 100)).toHaveLength(3);
      expect(distinct.filter((a) => a.code === 199 && a.msg.includes("剩余可退金额"))).toHaveLength(2);
      const same = await Promise.all(Array.from({ length: 4 }, () => refund(outOrderId, "RF-CC-X", "0.10")));
      expect(same.every((a) => a.code === 100 && a.data?.refund_no === "RF-CC-X")).toBe(true);
      const upstream = env.ali.order(orderId).refunds;
      expect(upstream.reduce((sum, r) => sum + r.refund_amount, 0)).toBe(100);
      expect(upstream.filter((r) => r.out_request_no === "RF-CC-X")).toHaveLength(1);
      expect((await query(outOrderId, "RF-CC-X")).data).toMatchObject({ refunded: "1.00", remaining: "0.00" });
    });

    it("refuses more than what remains, and the same number with another amount, recording nothing", async () => {
      const { orderId, outOrderId } = await paidOrder("alipay", "1.00");
      expect((await refund(outOrderId, "RF-A1-x", "0.60")).code).toBe(100);
      const over = await refund(outOrderId, "RF-A2-x", "0.50");
      expect(over).toMatchObject({ code: 199 });
      expect(over.msg).toContain("退款金额超过订单剩余可退金额");
      expect(over.msg).toContain("0.40");
      const conflict = await refund(outOrderId, "RF-A1-x", "0.10");
      expect(conflict.code).toBe(199);
      expect(conflict.msg).toContain("退款单号已用于另一笔金额不同的退款");
      expect((await refundsOf(env.ctx, orderId)).map((r) => r.refundNo)).toEqual(["RF-A1-x"]);
      expect(env.ali.order(orderId).refunds).toHaveLength(1);
      expect((await query(outOrderId, "RF-A2-x")).msg).toBe("未知错误: 退款不存在");
    });

    it("refuses a re-split signature (refund_no's digits moved into amount) and a wrong one", async () => {
      const { orderId, outOrderId } = await paidOrder("alipay", "20.00");
      const genuine = refundParams(outOrderId, "RS00001", "5.00");
      expect((await call(refundRoute, genuine)).code).toBe(100);
      // "RS00001" + "5.00" and "RS0000" + "15.00" are one signed string.
      const resplit = { ...genuine, refund_no: "RS0000", amount: "15.00" };
      expect(await call(refundRoute, resplit)).toMatchObject({
        code: 104,
        msg: "无效的签名: 该签名已用于另一笔退款请求",
      });
      expect(await call(refundRoute, { ...genuine, sign: "0".repeat(32) })).toMatchObject({ code: 104 });
      const { sign: _sign, ...unsigned } = genuine;
      expect(await call(refundRoute, unsigned)).toMatchObject({ code: 103 });
      expect((await refundsOf(env.ctx, orderId)).map((r) => r.amountFen)).toEqual([500]);
      expect(env.ali.order(orderId).refunds).toHaveLength(1);
    });

    it("answers a platform refusal (balance short) as a failed refund, and frees the amount", async () => {
      const { orderId, outOrderId } = await paidOrder("alipay", "2.00");
      env.ali.setBalance(50);
      const failed = await refund(outOrderId, "RF-B1-x", "1.00");
      expect(failed.code).toBe(199);
      expect(failed.msg).toMatch(/^未知错误: 退款失败: /);
      expect(failed.msg).toContain("余额不足");
      expect((await query(outOrderId, "RF-B1-x")).data).toMatchObject({
        status: "failed",
        refunded: "0.00",
        remaining: "2.00",
      });
      env.ali.setBalance(undefined);
      expect((await refund(outOrderId, "RF-B2-x", "2.00")).data).toMatchObject({
        status: "succeeded",
        remaining: "0.00",
      });
      expect(env.ali.order(orderId).status).toBe("TRADE_CLOSED");
    });
  });

  describe("WeChat Pay v3", () => {
    it("refunds in full, the query shows it, and WeChat Pay's refund notify is acknowledged without a payment", async () => {
      const { orderId, outOrderId } = await paidOrder("wxpay", "3.00");
      const done = await refund(outOrderId, "WX-R1-x", "3.00");
      expect(done.code, done.msg).toBe(100);
      expect(done.data).toMatchObject({ status: "succeeded", remaining: "0.00" });
      expect(done.data!.provider_refund_id).toMatch(/^5000/);
      expect(env.wx.order(orderId).refunds).toEqual([
        expect.objectContaining({ out_refund_no: "WX-R1-x", refund: 300 }),
      ]);
      expect((await query(outOrderId, "WX-R1-x")).data).toMatchObject({ status: "succeeded", amount: "3.00" });
      const ack = await env.wx.refundNotify("WX-R1-x", `${env.paydesk.url}/api/notify/wx`);
      expect(ack.status).toBe(200);
      const payments = await env.db.db.selectFrom("payments").select("id").where("order_id", "=", orderId).execute();
      expect(payments).toHaveLength(1);
    });

    it("a refusal (NOT_ENOUGH) is a failed refund with WeChat Pay's reason", async () => {
      const { orderId, outOrderId } = await paidOrder("wxpay", "1.50");
      env.wx.setBalance(0);
      const failed = await refund(outOrderId, "WX-F1-x", "1.00");
      expect(failed.code).toBe(199);
      expect(failed.msg).toContain("NOT_ENOUGH");
      expect(env.wx.order(orderId).refunds).toHaveLength(0);
      expect((await query(outOrderId, "WX-F1-x")).data).toMatchObject({
        status: "failed",
        failure: expect.stringContaining("余额不足"),
      });
    });
  });

  describe("refused before any refund", () => {
    it("a personal-code channel: refund by hand, and nothing recorded", async () => {
      const outOrderId = `codes-${dialect}-${++n}`;
      const res = await fetch(`${env.paydesk.url}/api/cloudpay/create`, {
        method: "POST",
        body: new URLSearchParams(
          signedCreateParams({ price: "1.00", type: "alipay", out_order_id: outOrderId }, CODES),
        ),
      });
      const orderId = ((await res.json()) as { data: { order_id: string } }).data.order_id;
      await applyPayment(env.ctx, {
        channelId: "sandbox",
        tradeNo: `sbx-${orderId}`,
        amountFen: 100,
        match: { by: "order_id", orderId },
        raw: {},
      });
      const answer = await call(refundRoute, refundParams(outOrderId, "RF-C1-x", "1.00", CODES));
      expect(answer.code).toBe(199);
      expect(answer.msg).toContain("不能原路退款");
      expect(answer.msg).toContain("控制台登记");
      expect(await refundsOf(env.ctx, orderId)).toEqual([]);
    });

    it("unpaid and unknown orders, a bad amount and a bad refund number", async () => {
      const outOrderId = `unpaid-${dialect}-${++n}`;
      const res = await fetch(`${env.paydesk.url}/api/cloudpay/create`, {
        method: "POST",
        body: new URLSearchParams(signedCreateParams({ price: "1.00", type: "alipay", out_order_id: outOrderId })),
      });
      const orderId = ((await res.json()) as { data: { order_id: string } }).data.order_id;
      expect(await refund(outOrderId, "RF-U1-x", "1.00")).toMatchObject({
        code: 199,
        msg: "未知错误: 订单未支付，不能退款",
      });
      expect(await refund("no-such-order", "RF-U2-x", "1.00")).toMatchObject({
        code: 199,
        msg: "未知错误: 订单不存在",
      });
      expect((await refund(outOrderId, "RF-U3-x", "1.001")).code).toBe(201);
      expect((await refund(outOrderId, "RF-U4-x", "0")).code).toBe(201);
      expect((await refund(outOrderId, "短", "1.00")).code).toBe(105);
      expect(await refundsOf(env.ctx, orderId)).toEqual([]);
      expect((await call(queryRoute, { ...queryParams(outOrderId, "RF-U1-x"), sign: "f".repeat(32) })).code).toBe(104);
    });
  });
});
