import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { epayApiHandler } from "@/lib/http/epay-handler";
import { applyPayment } from "@/lib/orders/apply-payment";
import { refundsOf } from "@/lib/orders/refunds";
import type { DatabaseHandle } from "@/lib/storage/database";
import { describeOnDatabases } from "@/test/support/databases";
import { EPAY_MERCHANT, signedRequest } from "@/test/support/epay-client";
import { useOfficialPaydesk } from "@/test/support/official-channels";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import { epayApi } from "./epay-api";
import { createEpayOrder } from "./epay-create";

/**
 * api.php's `act=query`, `act=orders` and `act=refund` (docs/protocols/epay.md), on both databases: the 彩虹易支付
 * server's fields and codes. Refunds that reach a platform: the last suite.
 */
describeOnDatabases("epay api.php query, orders and refund", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let seq = 0;
  const OTHER = { pid: "1001", key: "o".repeat(32) };
  const DAY = 86_400_000;

  beforeAll(async () => {
    const file = testConfigFile();
    file.merchants[0]!.epay = { pid: EPAY_MERCHANT.pid, key: EPAY_MERCHANT.key, allowed_hosts: [] };
    file.merchants.push({
      ...file.merchants[0]!,
      appkey: "other",
      name: "别家",
      epay: { ...OTHER, allowed_hosts: [] },
    });
    db = await openTestDatabase(dialect);
    ctx = testContext(db, testAppConfig(file));
  });
  afterAll(() => db.close());

  const auth = { pid: EPAY_MERCHANT.pid, key: EPAY_MERCHANT.key };
  const api = (params: Record<string, string>, method = "GET") =>
    epayApi(ctx, { ...auth, ...params }, method) as Promise<Record<string, unknown>>;

  async function order(money = "10.00", merchant: { pid: string; key: string } = EPAY_MERCHANT) {
    const outTradeNo = `EA${dialect}${++seq}`;
    const created = await createEpayOrder(
      ctx,
      signedRequest(
        "sdk",
        {
          type: "alipay",
          out_trade_no: outTradeNo,
          notify_url: "https://shop.example/notify",
          return_url: "https://shop.example/return",
          name: `商品${seq}`,
          money,
        },
        merchant,
      ),
    );
    return created;
  }
  async function pay(orderId: string, fen: number) {
    const result = await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: `T-${orderId}`,
      amountFen: fen,
      match: { by: "order_id", orderId },
      raw: {},
    });
    expect(result.outcome).toBe("applied");
  }

  describe("act=query", () => {
    it("answers the server's fields: orders_today and orders_lastday count paid orders by Beijing day", async () => {
      const yesterday = await order("1.00");
      await pay(yesterday.id, 100);
      await order("2.00"); // made yesterday, never paid
      ctx.clock.advance(DAY);
      const today = await order("3.00");
      await pay(today.id, 300);
      await order("4.00", OTHER); // another merchant's

      const answer = await api({ act: "query" });
      expect(answer).toMatchObject({
        code: 1,
        pid: EPAY_MERCHANT.pid,
        key: EPAY_MERCHANT.key,
        active: 1,
        money: "0.00",
        type: 0,
        account: "",
        username: "Test Shop",
        orders: 3,
        orders_today: 1,
        orders_lastday: 1,
      });
      // The names Paydesk used to answer, which no client of the server reads.
      expect(answer).not.toHaveProperty("order_today");
      expect(answer).not.toHaveProperty("order_lastday");
    });

    it("refuses a wrong key", async () => {
      await expect(api({ act: "query", key: "x".repeat(32) })).rejects.toThrow("商户ID或密钥错误");
    });
  });

  describe("act=orders", () => {
    let mine: string[] = [];
    beforeAll(async () => {
      await db.db.deleteFrom("orders").execute();
      mine = [];
      for (let i = 0; i < 13; i++) {
        ctx.clock.advance(1_000);
        const o = await order(`${i + 1}.00`);
        if (i % 4 === 0) await pay(o.id, (i + 1) * 100);
        mine.push(o.id);
      }
      await order("9.99", OTHER);
    });

    it("answers 10 newest first by default, with exactly act=order's fields", async () => {
      const answer = await api({ act: "orders" });
      expect(answer).toMatchObject({ code: 1, msg: "查询订单记录成功！", count: 10 });
      const data = answer.data as Record<string, unknown>[];
      expect(data.map((o) => o.trade_no)).toEqual([...mine].reverse().slice(0, 10));
      expect(Object.keys(data[0]!).sort()).toEqual(
        [
          "addtime",
          "buyer",
          "endtime",
          "money",
          "name",
          "out_trade_no",
          "param",
          "pid",
          "status",
          "trade_no",
          "type",
        ].sort(),
      );
      // mine[12] was paid (12 % 4 === 0), mine[11] was not.
      expect(data[0]).toMatchObject({
        trade_no: mine[12],
        money: "13.00",
        status: 1,
        pid: EPAY_MERCHANT.pid,
        type: "alipay",
      });
      expect(data[0]!.endtime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(data[1]).toMatchObject({ trade_no: mine[11], status: 0, endtime: null });
    });

    it("pages with limit and offset, caps limit at 50, and filters by status", async () => {
      const page = await api({ act: "orders", limit: "5", offset: "10" });
      expect((page.data as { trade_no: string }[]).map((o) => o.trade_no)).toEqual([mine[2], mine[1], mine[0]]);
      expect((await api({ act: "orders", limit: "500" })).count).toBe(13);
      const paid = await api({ act: "orders", status: "1" });
      expect((paid.data as { trade_no: string }[]).map((o) => o.trade_no)).toEqual([
        mine[12],
        mine[8],
        mine[4],
        mine[0],
      ]);
      const unpaid = await api({ act: "orders", status: "0", limit: "50" });
      expect(unpaid.count).toBe(9);
      expect((await api({ act: "orders", status: "2" })).count).toBe(0);
      await expect(api({ act: "orders", status: "paid" })).rejects.toThrow("status");
    });
  });

  describe("act=refund", () => {
    it("refuses with the server's codes in its order: money, order number, unknown order — recording nothing", async () => {
      const o = await order("5.00");
      await pay(o.id, 500);
      expect(await api({ act: "refund", trade_no: o.id, money: "-1" }, "POST")).toEqual({
        code: -1,
        msg: "金额输入错误",
      });
      expect(await api({ act: "refund", trade_no: o.id, money: "1.234" }, "POST")).toEqual({
        code: -1,
        msg: "金额输入错误",
      });
      expect(await api({ act: "refund", trade_no: o.id, money: "0" }, "POST")).toEqual({
        code: -1,
        msg: "金额输入错误",
      });
      expect(await api({ act: "refund", money: "1.00" }, "POST")).toEqual({ code: -4, msg: "订单号不能为空" });
      expect(await api({ act: "refund", trade_no: "NOSUCHORDER0000000000000", money: "1" }, "POST")).toEqual({
        code: -1,
        msg: "当前订单不存在！",
      });
      expect(await api({ act: "refund", out_trade_no: "nope", money: "1" }, "POST")).toEqual({
        code: -1,
        msg: "当前订单不存在！",
      });
      // Another merchant's order is not found either.
      const theirs = await order("5.00", OTHER);
      expect(await api({ act: "refund", trade_no: theirs.id, money: "1" }, "POST")).toMatchObject({
        code: -1,
        msg: "当前订单不存在！",
      });
      expect(await refundsOf(ctx, o.id)).toEqual([]);
      expect(await refundsOf(ctx, theirs.id)).toEqual([]);
    });

    it("refuses a GET, an unpaid order, and a personal-code channel (refund by hand) with nothing recorded", async () => {
      const paid = await order("6.00");
      await pay(paid.id, 600);
      expect(await api({ act: "refund", trade_no: paid.id, money: "1" }, "GET")).toEqual({
        code: -1,
        msg: "退款请使用 POST 请求",
      });
      const unpaid = await order("6.00");
      expect(await api({ act: "refund", out_trade_no: unpaid.out_order_id, money: "1" }, "POST")).toEqual({
        code: -1,
        msg: "该订单状态不支持退款！",
      });
      const manual = await api({ act: "refund", trade_no: paid.id, money: "1.00" }, "POST");
      expect(manual.code).toBe(-1);
      expect(manual.msg).toContain("当前支付通道不支持API退款");
      expect(manual.msg).toContain("直接联系付款人退款");
      expect(await refundsOf(ctx, paid.id)).toEqual([]);
      expect(await refundsOf(ctx, unpaid.id)).toEqual([]);
    });
  });

  describe("over HTTP (api.php's handler)", () => {
    const handler = epayApiHandler(() => Promise.resolve(ctx));
    const post = async (params: Record<string, string>, ip: string) =>
      (await handler(
        new Request(`http://paydesk.test/api.php?act=refund`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": ip },
          body: new URLSearchParams(params),
        }),
      ).then((r) => r.json())) as Record<string, unknown>;

    it("reads a refund from the POST body, and a wrong key there is refused as on every action", async () => {
      const o = await order("7.00");
      expect(await post({ ...auth, out_trade_no: o.out_order_id, money: "1" }, "203.0.113.9")).toEqual({
        code: -1,
        msg: "该订单状态不支持退款！",
      });
      expect(
        await post({ pid: auth.pid, key: "w".repeat(32), out_trade_no: o.out_order_id, money: "1" }, "203.0.113.9"),
      ).toEqual({
        code: -1,
        msg: "商户ID或密钥错误",
      });
    });
  });
});

/** api.php's `act=refund` reaching Alipay 当面付 and WeChat Pay v3 (their emulators), on both databases. */
describeOnDatabases("epay act=refund through the official channels", (dialect) => {
  const env = useOfficialPaydesk(dialect, {
    timeoutMs: 1_000,
    file: ({ channels }) => {
      const file = testConfigFile({
        merchants: testConfigFile().merchants.map((m) => ({ ...m, channels: ["ali", "wx"] })),
        channels,
      });
      // Set after the schema, as the other epay suites do: the shared test key predates its length rule.
      file.merchants[0]!.epay = { pid: EPAY_MERCHANT.pid, key: EPAY_MERCHANT.key, allowed_hosts: [] };
      return file;
    },
  });
  let seq = 0;

  const handler = epayApiHandler(() => Promise.resolve(env.ctx as TestContext));
  const refund = async (params: Record<string, string>) =>
    (await (
      await handler(
        new Request("http://paydesk.test/api.php?act=refund", {
          method: "POST",
          body: new URLSearchParams({ pid: EPAY_MERCHANT.pid, key: EPAY_MERCHANT.key, ...params }),
        }),
      )
    ).json()) as Record<string, unknown>;

  async function paid(type: "alipay" | "wxpay", money: string) {
    const order = await createEpayOrder(
      env.ctx,
      signedRequest("sdk", {
        type,
        out_trade_no: `EO${dialect}${++seq}`,
        notify_url: "https://shop.example/notify",
        return_url: "https://shop.example/return",
        name: "会员",
        money,
      }),
    );
    const acks = type === "alipay" ? await env.ali.pay(order.id) : await env.wx.pay(order.id);
    expect(acks[0]!.status).toBe(200);
    return order;
  }

  it("Alipay: each request is a refund of its own, as on the 彩虹易支付 server, never beyond what was paid", async () => {
    const order = await paid("alipay", "10.00");
    const first = await refund({ trade_no: order.id, money: "3" });
    expect(first).toMatchObject({
      code: 0,
      msg: "退款成功！退款金额¥3.00",
      trade_no: order.id,
      out_trade_no: order.out_order_id,
      money: "3.00",
      status: "succeeded",
    });
    expect(first.refund_no).toMatch(/^R[A-Za-z0-9]{20}$/);
    // The same request again: a second honest refund of the same amount.
    const second = await refund({ out_trade_no: order.out_order_id, money: "3.00" });
    expect(second).toMatchObject({ code: 0, money: "3.00" });
    expect(second.refund_no).not.toBe(first.refund_no);
    expect(env.ali.order(order.id).refunds.map((r) => r.refund_amount)).toEqual([300, 300]);
    expect(await refund({ trade_no: order.id, money: "5.00" })).toEqual({
      code: -1,
      msg: "退款金额不能超过该订单剩余可退款金额！",
    });
    expect(await refundsOf(env.ctx, order.id)).toHaveLength(2);
    expect(env.ali.order(order.id).refunds).toHaveLength(2);
  });

  it("Alipay: a request carrying out_refund_no refunds once under it", async () => {
    const order = await paid("alipay", "4.00");
    const a = await refund({ trade_no: order.id, money: "1.00", out_refund_no: "SHOP-RF-1" });
    const b = await refund({ trade_no: order.id, money: "1.00", out_refund_no: "SHOP-RF-1" });
    expect(a).toMatchObject({ code: 0, refund_no: "SHOP-RF-1", out_refund_no: "SHOP-RF-1" });
    expect(b).toEqual(a);
    expect(env.ali.order(order.id).refunds).toHaveLength(1);
  });

  it("WeChat Pay: refunds in full; a refusal (balance short) is 退款失败 with the platform's reason", async () => {
    const short = await paid("wxpay", "2.00");
    env.wx.setBalance(0);
    const failed = await refund({ trade_no: short.id, money: "2.00" });
    expect(failed.code).toBe(-1);
    expect(failed.msg).toMatch(/^退款失败：.*NOT_ENOUGH/);
    expect((await refundsOf(env.ctx, short.id)).map((r) => r.status)).toEqual(["failed"]);
    env.wx.setBalance(undefined);
    const done = await refund({ out_trade_no: short.out_order_id, money: "2.00" });
    expect(done).toMatchObject({ code: 0, msg: "退款成功！退款金额¥2.00", status: "succeeded" });
    expect(env.wx.order(short.id).refunds.map((r) => r.refund)).toEqual([200]);
  });
});
