import { createSign, createVerify, generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config/schema";
import { epayV2ApiHandler, epayV2SubmitHandler } from "@/lib/http/epay-v2-handler";
import { applyPayment } from "@/lib/orders/apply-payment";
import type { DatabaseHandle } from "@/lib/storage/database";
import { describeOnDatabases } from "@/test/support/databases";
import { setUpEpayV2Keys } from "@/test/support/epay-v2-keys";
import { startPayjsEmulator, type PayjsEmulator } from "@/test/support/emulators";
import { startProviderHarness, type ProviderHarness } from "@/test/support/provider-test-harness";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import { notifyMessage, notificationProtocol, signedReturnUrl } from "../registry";
import type { EpayV2Action } from "./epay-v2-api";

/**
 * The V2 API from the shop's side (docs/protocols/epay-v2.md): requests signed with a shop key this test generates,
 * answers and notifies verified with Paydesk's platform public key the way the published V2 SDK does. The signing
 * and verifying here is written apart from Paydesk's (lib/merchant-api/epay-v2/epay-v2-sign.ts) on purpose.
 */

const { shopKeys, platformKeys, shopPublicPem: SHOP_PUBLIC } = setUpEpayV2Keys();
const PID = "2000";

/** The SDK's sign string: every field but sign/sign_type, no empty values and no arrays, keys sorted, `k=v&…`. */
function sdkSignContent(fields: Record<string, unknown>): string {
  return Object.keys(fields)
    .filter((k) => k !== "sign" && k !== "sign_type")
    .filter((k) => {
      const v = fields[k];
      return v !== null && v !== undefined && typeof v !== "object" && String(v) !== "";
    })
    .sort()
    .map((k) => `${k}=${String(fields[k])}`)
    .join("&");
}

/** A shop's request: its fields, `pid`, `timestamp` (10 digits), signed with the shop's private key. */
function shopRequest(
  fields: Record<string, string>,
  now: number,
  opts: { key?: KeyObject; timestamp?: string } = {},
): Record<string, string> {
  const all: Record<string, string> = {
    pid: PID,
    timestamp: opts.timestamp ?? String(Math.floor(now / 1000)),
    ...fields,
  };
  const sign = createSign("RSA-SHA256")
    .update(sdkSignContent(all), "utf8")
    .sign(opts.key ?? shopKeys.privateKey, "base64");
  return { ...all, sign, sign_type: "RSA" };
}

/** The SDK's check of an answer or notify: a sign, a timestamp within 300 s, SHA256withRSA under the platform key. */
function sdkVerifies(fields: Record<string, unknown>, now: number): boolean {
  const sign = fields.sign;
  if (typeof sign !== "string" || sign === "") return false;
  if (Math.abs(now / 1000 - Number(fields.timestamp)) > 300) return false;
  return createVerify("RSA-SHA256")
    .update(sdkSignContent(fields), "utf8")
    .verify(platformKeys.publicKey, Buffer.from(sign, "base64"));
}

async function post(ctx: TestContext, action: EpayV2Action, params: Record<string, string>) {
  const res = await epayV2ApiHandler(action, () => Promise.resolve(ctx))(
    new Request(`http://paydesk.test/api/${action}`, { method: "POST", body: new URLSearchParams(params) }),
  );
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describeOnDatabases("epay V2 API", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let seq = 0;
  beforeAll(async () => {
    const file = testConfigFile();
    file.merchants[0]!.epay_v2 = { pid: PID, public_key: SHOP_PUBLIC, allowed_hosts: [] };
    db = await openTestDatabase(dialect);
    ctx = testContext(db, testAppConfig(file));
  });
  afterAll(() => db.close());

  const payment = (extra: Record<string, string> = {}) => ({
    type: "alipay",
    out_trade_no: `V2${dialect}${++seq}`,
    notify_url: "https://shop.example/notify?from=v2",
    return_url: "https://shop.example/return#/order/1",
    name: `商品${seq}`,
    money: "10.00",
    clientip: "203.0.113.9",
    ...extra,
  });
  const orderCount = async () => (await db.db.selectFrom("orders").select("id").execute()).length;

  it("pay/create answers code 0 with the code content, signed with the platform key; method=jump the cashier", async () => {
    const a = await post(ctx, "pay/create", shopRequest(payment(), ctx.now()));
    expect(a).toMatchObject({ code: 0, sign_type: "RSA", pay_type: "qrcode" });
    expect(typeof a.pay_info).toBe("string");
    expect(a.pay_info).not.toBe("");
    expect(sdkVerifies(a, ctx.now())).toBe(true);
    // A changed field no longer verifies: the signature covers the answer.
    expect(sdkVerifies({ ...a, pay_info: "https://evil.example" }, ctx.now())).toBe(false);
    const order = await ctx.repos.orders.findOrderById(String(a.trade_no));
    expect(order).toMatchObject({ protocol: "epay-v2", price_fen: 1000 });
    expect(order!.request_sign).toMatch(/^[0-9a-f]{64}$/);

    const j = await post(ctx, "pay/create", shopRequest(payment({ method: "jump" }), ctx.now()));
    expect(j).toMatchObject({ code: 0, pay_type: "jump", pay_info: `http://paydesk.test/pay/${String(j.trade_no)}` });
    expect(sdkVerifies(j, ctx.now())).toBe(true);
    // No wallet chosen: the payer chooses on the cashier.
    const none = await post(ctx, "pay/create", shopRequest(payment({ type: "" }), ctx.now()));
    expect(none).toMatchObject({ code: 0, pay_type: "jump" });
  });

  it("refuses a bad, missing or foreign signature, a stale or missing timestamp, another sign_type and a replay", async () => {
    const before = await orderCount();
    const good = shopRequest(payment(), ctx.now());
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const cases: [Record<string, string>, string][] = [
      [{ ...good, money: "0.01" }, "RSA签名校验失败"],
      [{ ...good, sign: "" }, "RSA签名校验失败"],
      [shopRequest(payment(), ctx.now(), { key: other.privateKey }), "RSA签名校验失败"],
      [{ ...good, sign_type: "MD5" }, "该接口只能使用RSA签名类型"],
      [
        shopRequest(payment(), ctx.now(), { timestamp: String(Math.floor(ctx.now() / 1000) - 301) }),
        "时间戳字段不正确，请检查服务器时间",
      ],
      [
        shopRequest(payment(), ctx.now(), { timestamp: String(Math.floor(ctx.now() / 1000) + 301) }),
        "时间戳字段不正确，请检查服务器时间",
      ],
      [shopRequest(payment(), ctx.now(), { timestamp: "" }), "时间戳(timestamp)字段不能为空"],
      [shopRequest(payment(), ctx.now(), { timestamp: String(ctx.now()) }), "时间戳字段不正确，请检查服务器时间"],
    ];
    for (const [params, msg] of cases) expect(await post(ctx, "pay/create", params)).toEqual({ code: -3, msg });
    expect(await orderCount()).toBe(before);

    expect(await post(ctx, "pay/create", good)).toMatchObject({ code: 0 });
    expect(await post(ctx, "pay/create", good)).toMatchObject({ code: -3 });
    expect(await orderCount()).toBe(before + 1);
    // A query replayed is refused too; a fresh signature of the same query is not.
    const q = shopRequest({ out_trade_no: good.out_trade_no! }, ctx.now());
    expect(await post(ctx, "pay/query", q)).toMatchObject({ code: 0 });
    expect(await post(ctx, "pay/query", q)).toMatchObject({ code: -3 });
    ctx.clock.advance(1000);
    expect(await post(ctx, "pay/query", shopRequest({ out_trade_no: good.out_trade_no! }, ctx.now()))).toMatchObject({
      code: 0,
    });
    // Unknown merchant, and a GET (the server reads the POST body only).
    expect(await post(ctx, "pay/query", { ...q, pid: "9" })).toEqual({ code: -1, msg: "商户不存在！" });
    const res = await epayV2ApiHandler("pay/query", () => Promise.resolve(ctx))(
      new Request(`http://paydesk.test/api/pay/query?${new URLSearchParams(q).toString()}`),
    );
    expect(await res.json()).toEqual({ code: -4, msg: "未传入任何参数" });
  });

  it("pay/query, pay/close, merchant/info and merchant/orders answer signed, in the server's fields", async () => {
    const p = payment();
    const created = await post(ctx, "pay/create", shopRequest(p, ctx.now()));
    const tradeNo = String(created.trade_no);
    const q = await post(ctx, "pay/query", shopRequest({ trade_no: tradeNo }, ctx.now()));
    expect(q).toMatchObject({
      code: 0,
      trade_no: tradeNo,
      out_trade_no: p.out_trade_no,
      pid: PID,
      money: "10.00",
      status: 0,
      type: "alipay",
    });
    expect(q).not.toHaveProperty("endtime");
    expect(sdkVerifies(q, ctx.now())).toBe(true);
    const c = await post(ctx, "pay/close", shopRequest({ out_trade_no: p.out_trade_no }, ctx.now()));
    expect(c).toMatchObject({ code: 0, msg: "订单关闭成功", trade_no: tradeNo });
    expect(sdkVerifies(c, ctx.now())).toBe(true);
    expect((await ctx.repos.orders.findOrderById(tradeNo))!.status).toBe("closed");
    expect(await post(ctx, "pay/query", shopRequest({ trade_no: "nope" }, ctx.now()))).toEqual({
      code: -1,
      msg: "订单号不存在",
    });

    const info = await post(ctx, "merchant/info", shopRequest({}, ctx.now()));
    expect(info).toMatchObject({ code: 0, pid: PID, money: "0.00", username: "Test Shop" });
    expect(info).not.toHaveProperty("key");
    expect(sdkVerifies(info, ctx.now())).toBe(true);
    const list = await post(ctx, "merchant/orders", shopRequest({ limit: "2" }, ctx.now()));
    expect(list).toMatchObject({ code: 0, count: 2 });
    expect((list.data as { trade_no: string }[])[0]!.trade_no).toBe(tradeNo);
    expect(sdkVerifies(list, ctx.now())).toBe(true);
  });

  it("a paid V2 order notifies the shop by GET in V2's words, verifiable with the platform key", async () => {
    const p = payment({ param: "p1" });
    const created = await post(ctx, "pay/create", shopRequest(p, ctx.now()));
    const orderId = String(created.trade_no);
    ctx.clock.advance(5000);
    const result = await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: `T-${orderId}`,
      amountFen: 1000,
      match: { by: "order_id", orderId },
      raw: {},
    });
    expect(result.outcome).toBe("applied");
    const order = (await ctx.repos.orders.findOrderById(orderId))!;
    const merchant = ctx.config.merchants[0]!;
    const message = notifyMessage(merchant, order)!;
    expect(message.method).toBe("GET");
    const url = new URL(message.url);
    const query = Object.fromEntries(url.searchParams);
    expect(query).toMatchObject({
      from: "v2",
      pid: PID,
      trade_no: orderId,
      out_trade_no: p.out_trade_no,
      type: "alipay",
      trade_status: "TRADE_SUCCESS",
      money: "10.00",
      param: "p1",
      sign_type: "RSA",
      timestamp: String(Math.floor(order.paid_at! / 1000)),
    });
    expect(sdkVerifies(query, ctx.now())).toBe(true);
    expect(sdkVerifies({ ...query, money: "100.00" }, ctx.now())).toBe(false);
    expect(notificationProtocol(message)).toBe("epay-v2");
    const back = new URL(signedReturnUrl(merchant, order)!);
    expect(back.hash).toBe("#/order/1");
    expect(sdkVerifies(Object.fromEntries(back.searchParams), ctx.now())).toBe(true);
    // The stored outbox row is the same message.
    const stored = await ctx.repos.notifications.findNotificationByOrder(orderId);
    expect(stored?.url).toBe(message.url);
  });

  it("a merchant configured with the platform public key is refused: Paydesk's own signatures are no requests", async () => {
    const v2 = ctx.config.merchants[0]!.epay_v2!;
    const saved = v2.public_key;
    v2.public_key = platformKeys.publicKey.export({ type: "spki", format: "pem" }).toString();
    try {
      // What a notify carries, signed as Paydesk signs it, posted back as a request.
      const forged = shopRequest({ trade_no: "X", money: "10.00" }, ctx.now(), { key: platformKeys.privateKey });
      expect(await post(ctx, "pay/refund", forged)).toEqual({ code: -3, msg: "RSA签名校验失败" });
    } finally {
      v2.public_key = saved;
    }
  });

  it("pay/submit sends the payer to the cashier; a bad signature gets the error page", async () => {
    const submit = epayV2SubmitHandler(() => Promise.resolve(ctx));
    const ok = await submit(
      new Request("http://paydesk.test/api/pay/submit", {
        method: "POST",
        body: new URLSearchParams(shopRequest(payment(), ctx.now())),
      }),
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toMatch(/^http:\/\/paydesk\.test\/pay\/\w+$/);
    const bad = await submit(
      new Request(
        `http://paydesk.test/api/pay/submit?${new URLSearchParams({ ...shopRequest(payment(), ctx.now()), money: "1" }).toString()}`,
      ),
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("RSA签名校验失败");
  });

  it("refund on an unpaid order and a bad amount are refused, nothing recorded", async () => {
    const created = await post(ctx, "pay/create", shopRequest(payment(), ctx.now()));
    const tradeNo = String(created.trade_no);
    expect(await post(ctx, "pay/refund", shopRequest({ trade_no: tradeNo, money: "1.00" }, ctx.now()))).toEqual({
      code: -1,
      msg: "该订单状态不支持退款！",
    });
    expect(await post(ctx, "pay/refund", shopRequest({ trade_no: tradeNo, money: "-1" }, ctx.now()))).toEqual({
      code: -1,
      msg: "金额输入错误",
    });
    // The server's V2 answer here is -1 (api.php's V1 refund says -4).
    expect(await post(ctx, "pay/refund", shopRequest({ money: "1.00" }, ctx.now()))).toEqual({
      code: -1,
      msg: "订单号不能为空",
    });
    expect((await ctx.repos.refunds.listRefundsForOrder(tradeNo)).length).toBe(0);
  });
});

describe("epay V2 refund through PAYJS (emulator)", () => {
  let emu: PayjsEmulator;
  let h: ProviderHarness;
  beforeAll(async () => {
    emu = await startPayjsEmulator({ mchid: "m1", key: "pj-key" });
    h = await startProviderHarness([
      {
        id: "pj1",
        provider: "payjs",
        types: ["wxpay"],
        base_url: emu.baseUrl,
        mchid: "m1",
        key: "pj-key",
        timeout_ms: 500,
      },
    ]);
    h.ctx.config.merchants[0]!.epay_v2 = { pid: PID, public_key: SHOP_PUBLIC, allowed_hosts: [] };
  });
  afterAll(async () => {
    await h.close();
    await emu.close();
  });

  // PAYJS pays back whole orders only.
  it("refunds once under out_refund_no, answers the same refund again, and refundquery shows it", async () => {
    const ctx = h.ctx as TestContext;
    const created = await post(
      ctx,
      "pay/create",
      shopRequest(
        {
          type: "wxpay",
          out_trade_no: "V2PJ1",
          notify_url: "https://shop.example/notify",
          name: "会员",
          money: "10.00",
        },
        ctx.now(),
      ),
    );
    expect(created).toMatchObject({ code: 0, pay_type: "qrcode" });
    const orderId = String(created.trade_no);
    await emu.pay(orderId);
    expect((await h.order(orderId))!.status).toBe("paid");

    const ask = () =>
      post(
        ctx,
        "pay/refund",
        shopRequest({ out_trade_no: "V2PJ1", money: "10.00", out_refund_no: "RF000001" }, ctx.now()),
      );
    const a = await ask();
    expect(a).toMatchObject({
      code: 0,
      msg: "退款成功！退款金额¥10.00",
      refund_no: "RF000001",
      trade_no: orderId,
      money: "10.00",
    });
    expect(sdkVerifies(a, ctx.now())).toBe(true);
    ctx.clock.advance(1000);
    expect(await ask()).toMatchObject({ code: 0, refund_no: "RF000001" });
    const calls = emu.refunds.filter((c) => c.payjs_order_id === emu.order(orderId).payjs_order_id);
    expect(calls).toHaveLength(1);
    expect(
      await post(
        ctx,
        "pay/refund",
        shopRequest({ trade_no: orderId, money: "0.01", out_refund_no: "RF000002" }, ctx.now()),
      ),
    ).toEqual({ code: -1, msg: "退款金额不能超过该订单剩余可退款金额！" });

    const q = await post(
      ctx,
      "pay/refundquery",
      shopRequest({ trade_no: orderId, out_refund_no: "RF000001" }, ctx.now()),
    );
    expect(q).toMatchObject({ code: 0, refund_no: "RF000001", money: "10.00", status: 1, refund_status: "succeeded" });
    expect(sdkVerifies(q, ctx.now())).toBe(true);
    // The number alone, as the SDKs send it: the merchant's only refund under it.
    for (const field of ["out_refund_no", "refund_no"]) {
      const alone = await post(ctx, "pay/refundquery", shopRequest({ [field]: "RF000001" }, ctx.now()));
      expect(alone).toMatchObject({ code: 0, refund_no: "RF000001", trade_no: orderId, out_trade_no: "V2PJ1" });
      expect(sdkVerifies(alone, ctx.now())).toBe(true);
    }
    expect(await post(ctx, "pay/refundquery", shopRequest({ out_refund_no: "RF404404" }, ctx.now()))).toEqual({
      code: -1,
      msg: "退款记录不存在",
    });
    const order = await post(ctx, "pay/query", shopRequest({ trade_no: orderId }, ctx.now()));
    expect(order).toMatchObject({ status: 1, refundmoney: "10.00" });

    // A second order refunded under the same number: the number alone no longer names one refund.
    const second = await post(
      ctx,
      "pay/create",
      shopRequest(
        {
          type: "wxpay",
          out_trade_no: "V2PJ2",
          notify_url: "https://shop.example/notify",
          name: "会员",
          money: "3.00",
        },
        ctx.now(),
      ),
    );
    await emu.pay(String(second.trade_no));
    expect(
      await post(
        ctx,
        "pay/refund",
        shopRequest({ out_trade_no: "V2PJ2", money: "3.00", out_refund_no: "RF000001" }, ctx.now()),
      ),
    ).toMatchObject({ code: 0, trade_no: second.trade_no });
    ctx.clock.advance(1000); // a new second: the same fields signed again are a new request, not a replay
    expect(await post(ctx, "pay/refundquery", shopRequest({ out_refund_no: "RF000001" }, ctx.now()))).toEqual({
      code: -1,
      msg: "该退款单号对应多笔订单，请同时提供订单号（trade_no 或 out_trade_no）",
    });
    expect(
      await post(ctx, "pay/refundquery", shopRequest({ out_trade_no: "V2PJ2", out_refund_no: "RF000001" }, ctx.now())),
    ).toMatchObject({ code: 0, trade_no: second.trade_no, money: "3.00" });
  });
});

describe("epay V2 when the wallet's channels fail upstream", () => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  beforeAll(async () => {
    const file = testConfigFile({
      channels: [
        // Nothing listens on port 9: the call is refused at once, like a provider that is down.
        { id: "ali-down", provider: "payjs", types: ["alipay"], base_url: "http://127.0.0.1:9", mchid: "1", key: "k" },
        { id: "sandbox", provider: "sandbox", key: "sandbox", types: ["wxpay"] },
      ],
    });
    file.merchants[0]!.channels = ["ali-down", "sandbox"];
    file.merchants[0]!.epay_v2 = { pid: PID, public_key: SHOP_PUBLIC, allowed_hosts: [] };
    db = await openTestDatabase("sqlite");
    ctx = testContext(db, testAppConfig(file));
  });
  afterAll(() => db.close());
  const fields = (out: string) => ({
    type: "alipay",
    out_trade_no: out,
    notify_url: "https://shop.example/notify",
    name: "月付",
    money: "10.00",
  });

  it("pay/create jumps to the cashier's failure state; pay/submit redirects there; the order has no wallet", async () => {
    const a = await post(ctx, "pay/create", shopRequest(fields("DOWN1"), ctx.now()));
    expect(a).toMatchObject({ code: 0, pay_type: "jump" });
    expect(String(a.pay_info)).toBe(`http://paydesk.test/pay/${String(a.trade_no)}?choice=failed&failed=alipay`);
    expect(await ctx.repos.orders.findOrderById(String(a.trade_no))).toMatchObject({ type: null, status: "pending" });
    const res = await epayV2SubmitHandler(() => Promise.resolve(ctx))(
      new Request("http://paydesk.test/api/pay/submit", {
        method: "POST",
        body: new URLSearchParams(shopRequest(fields("DOWN2"), ctx.now())),
      }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("?choice=failed&failed=alipay");
  });
});

describe("epay V2 wrong-signature limits", () => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  beforeAll(async () => {
    const file = testConfigFile();
    file.merchants[0]!.epay_v2 = { pid: PID, public_key: SHOP_PUBLIC, allowed_hosts: [] };
    db = await openTestDatabase("sqlite");
    // A configuration of its own: its own counters (lib/storage/rate-limits-repo.ts keys them by the limits object).
    ctx = testContext(db, testAppConfig(file));
  });
  afterAll(() => db.close());

  it("wrong signatures count against the wrong-signature limits: 429 once over", async () => {
    const limit = ctx.config.limits.failed_signs_per_ip_per_minute;
    const bad = {
      ...shopRequest(
        { type: "alipay", out_trade_no: "LIM1", notify_url: "https://shop.example/n", money: "1.00" },
        ctx.now(),
      ),
      money: "0.02",
    };
    const send = () =>
      epayV2ApiHandler("pay/create", () => Promise.resolve(ctx))(
        new Request("http://paydesk.test/api/pay/create", {
          method: "POST",
          body: new URLSearchParams(bad),
        }),
      );
    const statuses: number[] = [];
    for (let i = 0; i <= limit + 1; i++) statuses.push((await send()).status);
    expect(statuses.slice(0, limit - 1).every((x) => x === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("the epay_v2 merchant block", () => {
  it("needs an RSA public key that parses, and a pid no other V2 merchant has", () => {
    const file = testConfigFile();
    const m = file.merchants[0]!;
    const parse = (merchants: unknown[]) => configFileSchema.safeParse({ ...file, merchants });
    expect(parse([{ ...m, epay_v2: { pid: PID, public_key: SHOP_PUBLIC } }]).success).toBe(true);
    expect(parse([{ ...m, epay_v2: { pid: PID, public_key: "MIIBIjAN-not-a-key" } }]).success).toBe(false);
    const two = parse([
      { ...m, epay_v2: { pid: PID, public_key: SHOP_PUBLIC } },
      { ...m, appkey: "second", epay_v2: { pid: PID, public_key: SHOP_PUBLIC } },
    ]);
    expect(two.success).toBe(false);
    expect(JSON.stringify(two.error?.issues)).toContain("duplicate epay_v2 pid");
  });
});
