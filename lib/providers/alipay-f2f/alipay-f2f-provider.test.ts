import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChannelConfig } from "@/lib/providers/registry";
import type { PaymentProvider } from "@/lib/providers/types";
import { reconcileOrder, resetReconcileState } from "@/lib/orders/reconcile";
import {
  alipayCertSn,
  alipayRootCertSn,
  alipayTestKeys as K,
  startAlipayF2fEmulator,
  type AlipayEmulator,
} from "@/test/support/emulators";
import { startProviderHarness, type ProviderHarness } from "@/test/support/provider-test-harness";
import { expectWrongKeyRefused, upstreamFailureCases } from "@/test/support/upstream-failure-cases";
import { X509Certificate } from "node:crypto";

const APP_ID = "2021000000000001";
const SELLER = "2088102119685838";

type Mode = "key" | "cert";

function channelFor(mode: Mode, gateway: string, id = `ali-${mode}`): ChannelConfig {
  const common = {
    id,
    provider: "alipay-f2f" as const,
    types: ["alipay" as const],
    gateway,
    app_id: APP_ID,
    app_private_key: K.ALIPAY_TEST_APP_PRIVATE_KEY,
    seller_id: SELLER,
    timeout_ms: 500,
  };
  return mode === "key"
    ? { ...common, alipay_public_key: K.ALIPAY_TEST_PLATFORM_PUBLIC_KEY }
    : {
        ...common,
        app_cert: K.ALIPAY_TEST_APP_CERT,
        alipay_public_cert: K.ALIPAY_TEST_PLATFORM_CERT,
        alipay_root_cert: K.ALIPAY_TEST_ROOT_CERT,
      };
}

function emulatorKeys(mode: Mode) {
  return mode === "key"
    ? {
        mode: "key" as const,
        appPublicKey: K.ALIPAY_TEST_APP_PUBLIC_KEY,
        platformPrivateKey: K.ALIPAY_TEST_PLATFORM_PRIVATE_KEY,
      }
    : {
        mode: "cert" as const,
        appCert: K.ALIPAY_TEST_APP_CERT,
        platformCert: K.ALIPAY_TEST_PLATFORM_CERT,
        rootCert: K.ALIPAY_TEST_ROOT_CERT,
        platformPrivateKey: K.ALIPAY_TEST_PLATFORM_PRIVATE_KEY,
      };
}

describe.each(["key", "cert"] as const)("alipay-f2f over HTTP (emulator, %s mode)", (mode) => {
  let emu: AlipayEmulator;
  let h: ProviderHarness;
  let n = 0;
  const id = `ali-${mode}`;
  const ref = () => `ali-${mode}-${++n}`;
  const provider = (): PaymentProvider => h.ctx.provider(h.ctx.config.channels.find((c) => c.id === id)!);
  const signal = () => AbortSignal.timeout(2000);

  beforeAll(async () => {
    let now = () => Date.now();
    emu = await startAlipayF2fEmulator({ appId: APP_ID, keys: emulatorKeys(mode), sellerId: SELLER, now: () => now() });
    h = await startProviderHarness([channelFor(mode, emu.gateway)]);
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
    const created = await h.create({ price, type: "alipay", out_order_id: outOrderId, custom: "u7" });
    expect(created.code, created.msg).toBe(100);
    return { orderId: created.data!.order_id!, outOrderId, created };
  }
  const paymentsOf = async (orderId: string) => (await h.payments(id)).filter((p) => p.order_id === orderId);
  async function post(body: string) {
    const res = await fetch(`${h.paydesk.url}/api/notify/${id}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    return { status: res.status, body: await res.text() };
  }

  it("precreates with a verified RSA2 request, shows qr_code, and credits the notify once to the shop", async () => {
    const { orderId, outOrderId, created } = await create("1.00");
    const o = emu.order(orderId);
    expect(emu.calls.at(-1)).toMatchObject({ method: "alipay.trade.precreate", signatureValid: true, answered: "" });
    expect(o.biz).toMatchObject({ out_trade_no: orderId, total_amount: "1.00", product_code: "FACE_TO_FACE_PAYMENT" });
    expect(o.notifyUrl).toBe(`${h.paydesk.url}/api/notify/${id}`);
    expect(o.time_expire).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    if (mode === "cert") {
      expect(o.fields.app_cert_sn).toBe(alipayCertSn(new X509Certificate(K.ALIPAY_TEST_APP_CERT)));
      expect(o.fields.alipay_root_cert_sn).toBe(alipayRootCertSn(K.ALIPAY_TEST_ROOT_CERT));
      // The EC root in the file does not count: one RSA root, one SN.
      expect(o.fields.alipay_root_cert_sn).not.toContain("_");
    } else {
      expect(o.fields.app_cert_sn).toBeUndefined();
    }
    expect(created.data!.qr_content).toMatch(/^https:\/\/qr\.alipay\.com\//);

    const acks = await emu.pay(orderId);
    expect(acks).toEqual([{ status: 200, body: "success" }]);
    expect((await h.query(outOrderId)).data).toMatchObject({ status: "paid", realprice: "1.00" });
    expect(await h.dispatch()).toBe(1);
    const got = h.shop.verifiedFor(orderId);
    expect(got).toHaveLength(1);
    expect(got[0]!.fields).toMatchObject({ out_order_id: outOrderId, realprice: "1.00", type: "alipay" });
  });

  it("credits duplicate and retried notifies (and TRADE_FINISHED after TRADE_SUCCESS) once", async () => {
    const { orderId } = await create();
    const acks = await emu.pay(orderId, { duplicates: 2 });
    expect(acks.every((a) => a.body === "success")).toBe(true);
    await emu.pay(orderId, { tradeStatus: "TRADE_FINISHED" });
    const rows = await paymentsOf(orderId);
    expect(rows.filter((r) => r.status === "applied")).toHaveLength(1);
    expect(rows[0]!.trade_no).toBe(emu.order(orderId).trade_no);
    expect(await h.outboxCount(orderId)).toBe(1);
  });

  it("refuses a forged signature and an altered amount with fail, changing nothing", async () => {
    const { orderId } = await create("2.00");
    expect(await post(emu.notifyBody(orderId, { badSignature: true }))).toEqual({ status: 400, body: "fail" });
    expect(await post(emu.notifyBody(orderId, { tamper: { total_amount: "0.01" } }))).toEqual({
      status: 400,
      body: "fail",
    });
    // A signature by the merchant's own app key (someone who stole it) is not Alipay's.
    const body = new URLSearchParams(emu.notifyBody(orderId));
    body.set("sign_type", "RSA");
    expect((await post(body.toString())).body).toBe("fail");
    // Alipay re-sends what was not answered `success`: each retry is refused the same way.
    const retried = await emu.pay(orderId, { badSignature: true, retries: 2 });
    expect(retried).toEqual(Array.from({ length: 3 }, () => ({ status: 400, body: "fail" })));
    const get = await fetch(`${h.paydesk.url}/api/notify/${id}?${emu.notifyBody(orderId)}`);
    expect(await get.text()).toBe("fail");
    expect((await h.order(orderId))!.status).toBe("pending");
    expect(await paymentsOf(orderId)).toHaveLength(0);
  });

  it("keeps a short payment as mismatched, and another app's notify for review, both acknowledged", async () => {
    const short = await create("2.00");
    expect((await emu.pay(short.orderId, { amountFen: 199 }))[0]!.body).toBe("success");
    expect((await h.order(short.orderId))!.status).toBe("pending");
    expect((await paymentsOf(short.orderId))[0]).toMatchObject({ status: "mismatched", amount_fen: 199 });

    const foreign = await create("3.00");
    const before = (await h.payments(id)).length;
    expect((await emu.pay(foreign.orderId, { appId: "2021000000000999" }))[0]!.body).toBe("success");
    expect((await h.order(foreign.orderId))!.status).toBe("pending");
    const kept = (await h.payments(id)).slice(before);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      status: "unmatched",
      order_id: null,
      trade_no: emu.order(foreign.orderId).trade_no,
    });
  });

  it("acknowledges a genuine notify for an unknown order (so Alipay stops) and records it unmatched", async () => {
    const { orderId } = await create();
    const body = new URLSearchParams(emu.notifyBody(orderId));
    // Re-signed by the platform for an order Paydesk never made: the emulator signs what it is given.
    emu.order(orderId).out_trade_no = "NoSuchOrder0000000000000";
    const ack = await post(emu.notifyBody("NoSuchOrder0000000000000"));
    expect(ack.body).toBe("success");
    const rows = (await h.payments(id)).filter((p) => p.trade_no === body.get("trade_no"));
    expect(rows[0]).toMatchObject({ status: "unmatched", order_id: null, reason: "no_order" });
  });

  it("ignores WAIT_BUYER_PAY and refund notifies without crediting", async () => {
    const { orderId } = await create();
    expect((await emu.pay(orderId, { tradeStatus: "WAIT_BUYER_PAY" }))[0]!.body).toBe("success");
    const refund = { refund_fee: "1.00", gmt_refund: "2026-11-22 12:00:00.000", out_biz_no: "R9" };
    expect((await emu.pay(orderId, { tradeStatus: "TRADE_CLOSED", extra: refund }))[0]!.body).toBe("success");
    expect((await emu.pay(orderId, { extra: refund }))[0]!.body).toBe("success");
    expect((await h.order(orderId))!.status).toBe("pending");
    expect(await paymentsOf(orderId)).toHaveLength(0);
  });

  it("reconciles a lost notify with alipay.trade.query, and reports unscanned codes unpaid", async () => {
    const { orderId } = await create("4.00");
    expect((await reconcileOrder(h.ctx, (await h.order(orderId))!)).outcome).toBe("unpaid");
    expect(emu.calls.at(-1)).toMatchObject({ method: "alipay.trade.query", answered: "ACQ.TRADE_NOT_EXIST" });
    emu.markPaid(orderId);
    resetReconcileState();
    h.ctx.clock.advance(11_000);
    const r = await reconcileOrder(h.ctx, (await h.order(orderId))!);
    expect(r.outcome).toBe("paid");
    expect((await h.order(orderId))!.status).toBe("paid");
    // The notify that arrives later is the same trade: a duplicate.
    expect((await emu.pay(orderId))[0]!.body).toBe("success");
    expect((await paymentsOf(orderId)).filter((p) => p.status === "applied")).toHaveLength(1);
  });

  it("closes upstream: an unscanned code, a scanned trade, and says paid for a paid one", async () => {
    const p = provider();
    const a = await create();
    expect(
      await p.closePayment!({ orderId: a.orderId, providerOrderId: null, now: h.ctx.now(), signal: signal() }),
    ).toEqual({ kind: "closed" });
    const b = await create();
    emu.scan(b.orderId);
    expect(
      await p.closePayment!({ orderId: b.orderId, providerOrderId: null, now: h.ctx.now(), signal: signal() }),
    ).toEqual({ kind: "closed" });
    expect(emu.order(b.orderId).status).toBe("TRADE_CLOSED");
    const c = await create();
    emu.markPaid(c.orderId);
    expect(
      await p.closePayment!({ orderId: c.orderId, providerOrderId: null, now: h.ctx.now(), signal: signal() }),
    ).toEqual({ kind: "paid" });
  });

  it("refunds: succeeded, idempotent by refundNo, failed on a short balance, queried", async () => {
    const p = provider();
    const { orderId } = await create("5.00");
    await emu.pay(orderId);
    const tradeNo = emu.order(orderId).trade_no;
    const base = { orderId, tradeNo, totalFen: 500, now: h.ctx.now(), signal: signal() };
    expect(await p.refund!({ ...base, refundNo: "R1", amountFen: 200, reason: "退货" })).toEqual({
      kind: "succeeded",
      amountFen: 200,
    });
    // The same refund again moves no money (fund_change N) and is confirmed by the refund query.
    expect(await p.refund!({ ...base, refundNo: "R1", amountFen: 200, signal: signal() })).toEqual({
      kind: "succeeded",
      amountFen: 200,
    });
    expect(emu.order(orderId).refunds).toHaveLength(1);
    emu.setBalance(50);
    const failed = await p.refund!({ ...base, refundNo: "R2", amountFen: 100, signal: signal() });
    expect(failed).toEqual({ kind: "failed", reason: expect.stringContaining("ACQ.SELLER_BALANCE_NOT_ENOUGH") });
    const over = await p.refund!({ ...base, refundNo: "R3", amountFen: 400, signal: signal() });
    expect(over).toMatchObject({ kind: "failed", reason: expect.stringContaining("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL") });
    expect(await p.queryRefund!({ orderId, refundNo: "R1", now: h.ctx.now(), signal: signal() })).toEqual({
      kind: "succeeded",
      amountFen: 200,
    });
    expect(await p.queryRefund!({ orderId, refundNo: "R2", now: h.ctx.now(), signal: signal() })).toMatchObject({
      kind: "failed",
    });
    // The platform down: the outcome is unknown, so it is pending, never failed.
    emu.setFaults({ errorMessage: "系统繁忙" });
    expect(await p.refund!({ ...base, refundNo: "R4", amountFen: 100, signal: signal() })).toEqual({ kind: "pending" });
  });

  it("refuses to act on an answer whose signature does not verify", async () => {
    const other = await startAlipayF2fEmulator({
      appId: APP_ID,
      keys:
        mode === "key"
          ? {
              mode: "key",
              appPublicKey: K.ALIPAY_TEST_APP_PUBLIC_KEY,
              platformPrivateKey: K.ALIPAY_TEST_APP_PRIVATE_KEY,
            }
          : { ...emulatorKeys("cert"), platformPrivateKey: K.ALIPAY_TEST_APP_PRIVATE_KEY },
    });
    const h2 = await startProviderHarness([channelFor(mode, other.gateway, "ali-x")]);
    try {
      const res = await h2.create({ price: "1.00", type: "alipay", out_order_id: "ali-x-1" });
      expect(res.code).toBe(208);
      expect(res.msg).toContain("验签失败");
    } finally {
      await h2.close();
      await other.close();
    }
  });

  upstreamFailureCases({
    emu: () => emu,
    h: () => h,
    ref,
    price: "1.00",
    type: "alipay",
    errorMessage: "系统繁忙",
    httpStatus: 502,
  });
});

describe("alipay-f2f with a wrong app key", () => {
  it("is refused by the gateway (isv.invalid-signature) and answered 208", async () => {
    const emu = await startAlipayF2fEmulator({
      appId: APP_ID,
      keys: {
        mode: "key",
        appPublicKey: K.ALIPAY_TEST_PLATFORM_PUBLIC_KEY,
        platformPrivateKey: K.ALIPAY_TEST_PLATFORM_PRIVATE_KEY,
      },
    });
    await expectWrongKeyRefused(
      { orders: emu.calls, close: () => emu.close() },
      channelFor("key", emu.gateway, "ali-bad"),
      { price: "1.00", type: "alipay", out_order_id: "ali-bad-1" },
      "isv.invalid-signature",
    );
  });
});

describe("alipay-f2f with its gateway down", () => {
  it("moves the order to the merchant's next channel", async () => {
    const down = await startAlipayF2fEmulator({ appId: APP_ID, keys: emulatorKeys("key") });
    const up = await startAlipayF2fEmulator({ appId: APP_ID, keys: emulatorKeys("key") });
    down.setFaults({ errorMessage: "系统繁忙" });
    const h = await startProviderHarness([
      { ...channelFor("key", down.gateway, "ali-down"), timeout_ms: 5000 },
      { ...channelFor("key", up.gateway, "ali-up"), timeout_ms: 5000 },
    ]);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await h.create({ price: "1.00", type: "alipay", out_order_id: `ali-fo-${i}` });
        expect(res.code, res.msg).toBe(100);
        expect((await h.order(res.data!.order_id!))!.channel_id).toBe("ali-up");
      }
      // The dead gateway was asked first at least once (then its breaker may skip it).
      expect(down.calls.length).toBeGreaterThan(0);
    } finally {
      await h.close();
      await down.close();
      await up.close();
    }
  });
});
