import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChannelConfig } from "@/lib/providers/registry";
import type { PaymentProvider } from "@/lib/providers/types";
import { reconcileOrder, resetReconcileState } from "@/lib/orders/reconcile";
import { startWechatV3Emulator, wechatTestKeys as K, type WechatV3Emulator } from "@/test/support/emulators";
import { startProviderHarness, type ProviderHarness } from "@/test/support/provider-test-harness";
import { upstreamFailureCases } from "@/test/support/upstream-failure-cases";

const APPID = "wx1234567890abcdef";
const APIV3_KEY = "0123456789abcdefghijABCDEFGHIJ01";

type Mode = "pubkey" | "platform";

function channelFor(mode: Mode, baseUrl: string, id = `wx-${mode}`): ChannelConfig {
  const common = {
    id,
    provider: "wechat-v3" as const,
    types: ["wxpay" as const],
    base_url: baseUrl,
    mchid: K.WECHAT_TEST_MCHID,
    appid: APPID,
    merchant_private_key: K.WECHAT_TEST_MERCHANT_PRIVATE_KEY,
    apiv3_key: APIV3_KEY,
    timeout_ms: 500,
  };
  return mode === "pubkey"
    ? {
        ...common,
        merchant_serial_no: K.WECHAT_TEST_MERCHANT_SERIAL,
        wechatpay_public_key: K.WECHAT_TEST_PUBKEY,
        wechatpay_public_key_id: K.WECHAT_TEST_PUBKEY_ID,
      }
    : { ...common, merchant_cert: K.WECHAT_TEST_MERCHANT_CERT, platform_certs: [K.WECHAT_TEST_PLATFORM_CERT] };
}

const signerFor = (mode: Mode) =>
  mode === "pubkey"
    ? { serial: K.WECHAT_TEST_PUBKEY_ID, privateKey: K.WECHAT_TEST_PUBKEY_PRIVATE }
    : { serial: K.WECHAT_TEST_PLATFORM_SERIAL, privateKey: K.WECHAT_TEST_PLATFORM_PRIVATE_KEY };

describe.each(["pubkey", "platform"] as const)("wechat-v3 over HTTP (emulator, %s mode)", (mode) => {
  let emu: WechatV3Emulator;
  let h: ProviderHarness;
  let n = 0;
  const id = `wx-${mode}`;
  const ref = () => `wx-${mode}-${++n}`;
  const provider = (): PaymentProvider => h.ctx.provider(h.ctx.config.channels.find((c) => c.id === id)!);
  const signal = () => AbortSignal.timeout(2000);

  beforeAll(async () => {
    let now = () => Date.now();
    emu = await startWechatV3Emulator({
      mchid: K.WECHAT_TEST_MCHID,
      appid: APPID,
      apiv3Key: APIV3_KEY,
      merchantPublicKey: K.WECHAT_TEST_MERCHANT_CERT,
      merchantSerial: K.WECHAT_TEST_MERCHANT_SERIAL,
      signer: signerFor(mode),
      now: () => now(),
    });
    h = await startProviderHarness([channelFor(mode, emu.baseUrl)]);
    now = h.ctx.now;
  });
  afterAll(async () => {
    await h.close();
    await emu.close();
  });
  beforeEach(() => {
    emu.setFaults({ delayMs: 0, httpStatus: null, garbage: false, errorMessage: null });
    emu.setBalance(undefined);
    h.resetBreaker(id);
    resetReconcileState();
  });

  async function create(price = "1.00") {
    const outOrderId = ref();
    const created = await h.create({ price, type: "wxpay", out_order_id: outOrderId, custom: "u7" });
    expect(created.code, created.msg).toBe(100);
    return { orderId: created.data!.order_id!, outOrderId, created };
  }
  const paymentsOf = async (orderId: string) => (await h.payments(id)).filter((p) => p.order_id === orderId);
  async function post(n: { body: string; headers: Record<string, string> }) {
    const res = await fetch(`${h.paydesk.url}/api/notify/${id}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...n.headers },
      body: n.body,
    });
    return { status: res.status, body: await res.text() };
  }

  it("orders Native with a verified signed request, shows code_url, and credits the notify once to the shop", async () => {
    const { orderId, outOrderId, created } = await create("1.00");
    const o = emu.order(orderId);
    expect(emu.calls.at(-1)).toMatchObject({ path: "/v3/pay/transactions/native", signatureValid: true, status: 200 });
    expect(o.body).toMatchObject({
      appid: APPID,
      mchid: K.WECHAT_TEST_MCHID,
      out_trade_no: orderId,
      notify_url: `${h.paydesk.url}/api/notify/${id}`,
      amount: { total: 100, currency: "CNY" },
    });
    expect(o.time_expire).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(created.data!.qr_content).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);

    expect(await emu.pay(orderId)).toEqual([{ status: 200, body: "" }]);
    expect((await h.query(outOrderId)).data).toMatchObject({ status: "paid", realprice: "1.00" });
    expect(await h.dispatch()).toBe(1);
    const got = h.shop.verifiedFor(orderId);
    expect(got).toHaveLength(1);
    expect(got[0]!.fields).toMatchObject({ out_order_id: outOrderId, realprice: "1.00", type: "wxpay" });
  });

  it("credits duplicate notifies once", async () => {
    const { orderId } = await create();
    const acks = await emu.pay(orderId, { duplicates: 2 });
    expect(acks.every((a) => a.status === 200)).toBe(true);
    const rows = await paymentsOf(orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "applied", trade_no: emu.order(orderId).transaction_id });
    expect(await h.outboxCount(orderId)).toBe(1);
  });

  it.each([
    ["a forged signature", { badSignature: true }],
    ["an altered body", { tamper: (b: string) => b.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ') }],
    ["an unknown serial", { serial: "PUB_KEY_ID_0000000000000000000000000000000000" }],
    ["a replay from ten minutes ago", { timestampOffsetMs: -10 * 60_000 }],
    ["a resource under another APIv3 key", { apiv3Key: "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ" }],
  ])("refuses %s with 4xx {code,message} and changes nothing", async (_name, opts) => {
    const { orderId } = await create();
    emu.markPaid(orderId);
    const ack = await post(emu.notify(orderId, opts));
    expect(ack.status).toBe(400);
    expect(JSON.parse(ack.body)).toMatchObject({ code: "FAIL" });
    expect((await h.order(orderId))!.status).toBe("pending");
    expect(await paymentsOf(orderId)).toHaveLength(0);
  });

  it("is re-sent while it is refused (WeChat Pay's retries), each time without a change", async () => {
    const { orderId } = await create();
    const acks = await emu.pay(orderId, { badSignature: true, retries: 2 });
    expect(acks.map((a) => a.status)).toEqual([400, 400, 400]);
    expect(await paymentsOf(orderId)).toHaveLength(0);
  });

  it("keeps a short payment as mismatched and another merchant's notify for review, both acknowledged", async () => {
    const short = await create("2.00");
    expect((await emu.pay(short.orderId, { amountFen: 199 }))[0]!.status).toBe(200);
    expect((await paymentsOf(short.orderId))[0]).toMatchObject({ status: "mismatched", amount_fen: 199 });
    const foreign = await create("3.00");
    const before = (await h.payments(id)).length;
    expect((await emu.pay(foreign.orderId, { appid: "wx00000000000000ff" }))[0]!.status).toBe(200);
    expect((await h.order(foreign.orderId))!.status).toBe("pending");
    expect((await h.payments(id)).slice(before)[0]).toMatchObject({ status: "unmatched", order_id: null });
  });

  it("takes a genuine notify re-sent within the 5-minute window as a duplicate", async () => {
    const { orderId } = await create();
    const n1 = emu.notify(orderId);
    emu.markPaid(orderId);
    expect((await post(n1)).status).toBe(200);
    expect((await post(n1)).status).toBe(200);
    expect((await paymentsOf(orderId)).filter((p) => p.status === "applied")).toHaveLength(1);
  });

  it("reconciles a lost notify by out_trade_no", async () => {
    const { orderId } = await create("4.00");
    expect((await reconcileOrder(h.ctx, (await h.order(orderId))!)).outcome).toBe("unpaid");
    expect(emu.calls.at(-1)).toMatchObject({ method: "GET", signatureValid: true, status: 200 });
    emu.markPaid(orderId);
    resetReconcileState();
    h.ctx.clock.advance(11_000);
    expect((await reconcileOrder(h.ctx, (await h.order(orderId))!)).outcome).toBe("paid");
    expect((await h.order(orderId))!.status).toBe("paid");
    expect((await emu.pay(orderId))[0]!.status).toBe(200);
    expect((await paymentsOf(orderId)).filter((p) => p.status === "applied")).toHaveLength(1);
  });

  it("closes an unpaid order upstream (204) and says paid for a paid one", async () => {
    const p = provider();
    const a = await create();
    expect(
      await p.closePayment!({ orderId: a.orderId, providerOrderId: null, now: h.ctx.now(), signal: signal() }),
    ).toEqual({ kind: "closed" });
    expect(emu.order(a.orderId).trade_state).toBe("CLOSED");
    const b = await create();
    emu.markPaid(b.orderId);
    expect(
      await p.closePayment!({ orderId: b.orderId, providerOrderId: null, now: h.ctx.now(), signal: signal() }),
    ).toEqual({ kind: "paid" });
  });

  it("refunds: succeeded, pending then queried, failed on a short balance (signed 403 NOT_ENOUGH)", async () => {
    const p = provider();
    const { orderId } = await create("5.00");
    await emu.pay(orderId);
    const tradeNo = emu.order(orderId).transaction_id;
    const base = { orderId, tradeNo, totalFen: 500, now: h.ctx.now() };
    const ok = await p.refund!({ ...base, refundNo: "RF000001", amountFen: 200, reason: "退货", signal: signal() });
    expect(ok).toMatchObject({ kind: "succeeded", amountFen: 200, providerRefundId: expect.any(String) });
    emu.setRefundStatus("RF000001", "PROCESSING");
    expect(await p.queryRefund!({ orderId, refundNo: "RF000001", now: h.ctx.now(), signal: signal() })).toMatchObject({
      kind: "pending",
    });
    emu.setRefundStatus("RF000001", "SUCCESS");
    expect(await p.queryRefund!({ orderId, refundNo: "RF000001", now: h.ctx.now(), signal: signal() })).toMatchObject({
      kind: "succeeded",
    });
    emu.setBalance(50);
    expect(await p.refund!({ ...base, refundNo: "RF000002", amountFen: 100, signal: signal() })).toEqual({
      kind: "failed",
      reason: expect.stringContaining("NOT_ENOUGH"),
    });
    expect(await p.queryRefund!({ orderId, refundNo: "RF000002", now: h.ctx.now(), signal: signal() })).toMatchObject({
      kind: "failed",
    });
    emu.setFaults({ errorMessage: "系统繁忙" });
    expect(await p.refund!({ ...base, refundNo: "RF000003", amountFen: 100, signal: signal() })).toEqual({
      kind: "pending",
    });
    emu.setFaults({ errorMessage: null });
    // The refund notify is verified and acknowledged, crediting nothing.
    expect(await emu.refundNotify("RF000001", `${h.paydesk.url}/api/notify/${id}`)).toEqual({ status: 200, body: "" });
  });

  upstreamFailureCases({
    emu: () => emu,
    h: () => h,
    ref,
    price: "1.00",
    type: "wxpay",
    errorMessage: "系统繁忙",
    httpStatus: 502,
  });
});

describe("wechat-v3 refusals", () => {
  it("a wrong merchant key: 401 SIGN_ERROR from the platform, answered 208", async () => {
    let now = () => Date.now();
    const emu = await startWechatV3Emulator({
      mchid: K.WECHAT_TEST_MCHID,
      appid: APPID,
      apiv3Key: APIV3_KEY,
      merchantPublicKey: K.WECHAT_TEST_OTHER_MERCHANT_CERT,
      merchantSerial: K.WECHAT_TEST_MERCHANT_SERIAL,
      signer: signerFor("pubkey"),
      now: () => now(),
    });
    const h = await startProviderHarness([channelFor("pubkey", emu.baseUrl, "wx-bad")]);
    now = h.ctx.now;
    try {
      const res = await h.create({ price: "1.00", type: "wxpay", out_order_id: "wx-bad-1" });
      expect(res.code).toBe(208);
      expect(res.msg).toContain("SIGN_ERROR");
      expect(emu.calls[0]).toMatchObject({ signatureValid: false, refused: "签名错误" });
    } finally {
      await h.close();
      await emu.close();
    }
  });

  it("an answer signed by a key Paydesk does not know is not believed", async () => {
    let now = () => Date.now();
    const emu = await startWechatV3Emulator({
      mchid: K.WECHAT_TEST_MCHID,
      appid: APPID,
      apiv3Key: APIV3_KEY,
      merchantPublicKey: K.WECHAT_TEST_MERCHANT_CERT,
      merchantSerial: K.WECHAT_TEST_MERCHANT_SERIAL,
      signer: { serial: K.WECHAT_TEST_PUBKEY_ID, privateKey: K.WECHAT_TEST_MERCHANT_PRIVATE_KEY },
      now: () => now(),
    });
    const h = await startProviderHarness([channelFor("pubkey", emu.baseUrl, "wx-mitm")]);
    now = h.ctx.now;
    try {
      const res = await h.create({ price: "1.00", type: "wxpay", out_order_id: "wx-mitm-1" });
      expect(res.code).toBe(208);
      expect(res.msg).toContain("应答签名验证失败");
    } finally {
      await h.close();
      await emu.close();
    }
  });
});
