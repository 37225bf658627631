import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startCloudpayEmulator, type CloudpayEmulator } from "@/test/support/emulators";
import { startProviderHarness, type ProviderHarness } from "@/test/support/provider-test-harness";
import { expectWrongKeyRefused, upstreamFailureCases } from "@/test/support/upstream-failure-cases";
import { upstreamCreateSign as createSign, upstreamNotifySign as notifySign } from "./cloudpay-upstream-sign";

const UP = { appkey: "upkey", appsecret: "upsecret" };

describe("cloudpay upstream signing (the provider's own copy of the protocol's double MD5)", () => {
  it("signs the create as md5(md5(appkey+price+type+out_order_id+custom)+appsecret)", () => {
    // printf '%s' "$(printf '%s' 'upkey0.99alipayORD1' | md5sum | cut -d' ' -f1)upsecret" | md5sum
    expect(
      createSign({ appkey: "upkey", price: "0.99", type: "alipay", out_order_id: "ORD1", custom: "" }, "upsecret"),
    ).toBe("491f416661eb00de40caa4af782895b7");
  });
  it("verifies the notify as md5(md5(appkey+order_id+out_order_id+price+realprice+type+paytime+extend)+appsecret)", () => {
    const f = {
      order_id: "70001",
      out_order_id: "ORD1",
      price: "1.00",
      realprice: "0.99",
      type: "alipay",
      paytime: "1700000000",
      extend: "",
    };
    // printf '%s' "$(printf '%s' 'upkey70001ORD11.000.99alipay1700000000' | md5sum | cut -d' ' -f1)upsecret" | md5sum
    expect(notifySign("upkey", f, "upsecret")).toBe("3e84925d42b6ab3875719885c63e1deb");
  });
});

describe("cloudpay over HTTP (emulator)", () => {
  let emu: CloudpayEmulator;
  let h: ProviderHarness;
  let n = 0;
  const ref = () => `cp-${++n}`;

  beforeAll(async () => {
    emu = await startCloudpayEmulator({ ...UP });
    h = await startProviderHarness([
      { id: "cp1", provider: "cloudpay", types: ["alipay"], base_url: emu.baseUrl, ...UP, timeout_ms: 500 },
    ]);
    // The upstream's notify URL lives in its back office, not in the create request.
    emu.notifyUrl = `${h.paydesk.url}/api/notify/cp1`;
  });
  afterAll(async () => {
    await h.close();
    await emu.close();
  });
  beforeEach(() => {
    emu.setFaults({ delayMs: 0, httpStatus: null, garbage: false, errorMessage: null });
    h.resetBreaker("cp1");
  });

  async function create(price = "3.50") {
    const outOrderId = ref();
    const created = await h.create({ price, type: "alipay", out_order_id: outOrderId, custom: "buyer@example.com" });
    expect(created.code).toBe(100);
    return { orderId: created.data!.order_id!, outOrderId, created };
  }

  it("creates with a correctly signed upstream create, pays, and notifies the shop exactly once", async () => {
    const { orderId, outOrderId, created } = await create("3.50");
    const upstream = emu.order(orderId);
    expect(upstream.signatureValid).toBe(true);
    expect(upstream.fields).toMatchObject({ appkey: UP.appkey, price: "3.50", type: "alipay", out_order_id: orderId });
    // The shop's custom is not passed upstream.
    expect(upstream.custom).toBe("");
    expect(created.data!.qr_content).toBe(`${emu.url}/pay/api?id=${upstream.pay_id}&type=alipay`);

    const [ack] = await emu.pay(orderId);
    expect(ack!.body).toBe("success");
    expect((await h.query(outOrderId)).data).toMatchObject({
      status: "paid",
      realprice: "3.50",
      custom: "buyer@example.com",
    });
    expect(await h.dispatch()).toBe(1);
    const got = h.shop.verifiedFor(orderId);
    expect(got).toHaveLength(1);
    expect(got[0]!.fields).toMatchObject({
      out_order_id: outOrderId,
      price: "3.50",
      realprice: "3.50",
      extend: "buyer@example.com",
    });
  });

  it("rejects a bad signature with fail and changes nothing", async () => {
    const { orderId } = await create();
    const [ack] = await emu.pay(orderId, { badSignature: true });
    expect(ack!.body).toBe("fail");
    expect((await h.order(orderId))!.status).toBe("pending");
    expect((await h.payments("cp1")).filter((p) => p.order_id === orderId)).toHaveLength(0);
  });

  it("credits duplicates and re-pushes once, keyed by the upstream order_id", async () => {
    const { orderId } = await create();
    const before = (await h.payments("cp1")).length;
    const acks = await emu.pay(orderId, { duplicates: 2 });
    expect(acks.map((a) => a.body)).toEqual(["success", "success", "success"]);
    expect((await emu.repush(orderId)).body).toBe("success");
    const rows = (await h.payments("cp1")).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "applied", order_id: orderId, trade_no: emu.order(orderId).order_id });
    expect(await h.outboxCount(orderId)).toBe(1);
  });

  it("keeps a wrong realprice as mismatched and leaves the order pending", async () => {
    const { orderId } = await create("3.50");
    await emu.pay(orderId, { amountFen: 340 });
    expect((await h.order(orderId))!.status).toBe("pending");
    expect((await h.payments("cp1")).find((p) => p.order_id === orderId)).toMatchObject({
      status: "mismatched",
      amount_fen: 340,
    });
    expect(await h.outboxCount(orderId)).toBe(0);
  });

  /** A notify signed with the upstream's credentials, fields as chosen (the emulator sends only the order's own). */
  async function signedNotify(orderId: string, over: Record<string, string>, method: "POST" | "GET" = "POST") {
    const f = {
      order_id: emu.order(orderId).order_id,
      out_order_id: orderId,
      price: "3.50",
      realprice: "3.50",
      type: "alipay",
      paytime: "1700000000",
      extend: "",
      ...over,
    };
    const form = new URLSearchParams({ ...f, sign: notifySign(UP.appkey, f, UP.appsecret) });
    const url = `${h.paydesk.url}/api/notify/cp1`;
    const res = method === "GET" ? await fetch(`${url}?${form}`) : await fetch(url, { method: "POST", body: form });
    return { status: res.status, body: await res.text() };
  }

  it("compares the notify's type with the order's: another wallet is kept for review, the genuine one pays", async () => {
    const { orderId } = await create("3.50");
    expect(await signedNotify(orderId, { type: "wxpay" })).toEqual({ status: 200, body: "success" });
    expect((await h.order(orderId))!.status).toBe("pending");
    const [wrong] = (await h.payments("cp1")).filter((p) => p.order_id === orderId);
    expect(wrong).toMatchObject({ status: "mismatched", reason: "type_mismatch", reported_type: "wxpay" });
    expect(await h.outboxCount(orderId)).toBe(0);
    // The same upstream order number with the order's own wallet is the genuine payment.
    expect((await emu.pay(orderId))[0]!.body).toBe("success");
    expect((await h.order(orderId))!.status).toBe("paid");
  });

  it("accepts its notify only as the POST the upstream sends", async () => {
    const { orderId } = await create("3.50");
    expect(await signedNotify(orderId, {}, "GET")).toEqual({ status: 200, body: "fail" });
    expect((await h.order(orderId))!.status).toBe("pending");
    expect((await h.payments("cp1")).filter((p) => p.order_id === orderId)).toHaveLength(0);
  });

  it("a wrong realprice does not use up the upstream order number: the genuine notify still pays", async () => {
    const { orderId } = await create("3.50");
    await emu.pay(orderId, { amountFen: 340 });
    expect((await emu.pay(orderId))[0]!.body).toBe("success");
    expect((await h.order(orderId))!.status).toBe("paid");
    const rows = (await h.payments("cp1")).filter((p) => p.order_id === orderId);
    expect(rows.map((p) => [p.status, p.amount_fen])).toEqual([
      ["mismatched", 340],
      ["applied", 350],
    ]);
    expect(rows[0]!.related_payment_id).toBe(rows[1]!.id);
    expect(await h.outboxCount(orderId)).toBe(1);
  });

  upstreamFailureCases({
    emu: () => emu,
    h: () => h,
    ref,
    price: "1.00",
    type: "alipay",
    errorMessage: "无可用会话",
    httpStatus: 502,
  });
});

describe("cloudpay edge cases", () => {
  it("refuses a wrong appsecret upstream (104 无效的签名 → 208)", async () => {
    const emu = await startCloudpayEmulator({ ...UP });
    await expectWrongKeyRefused(
      emu,
      {
        id: "cp-bad",
        provider: "cloudpay",
        types: ["alipay"],
        base_url: emu.baseUrl,
        appkey: UP.appkey,
        appsecret: "wrong",
      },
      { price: "1.00", type: "alipay", out_order_id: "cp-bad-1" },
      "无效的签名",
    );
  });

  it("takes a Paydesk upstream's order_id and pay_amount", async () => {
    let now = () => Date.now();
    const emu = await startCloudpayEmulator({ ...UP, paydeskExtras: true, now: () => now() });
    const h = await startProviderHarness([
      { id: "cp-pd", provider: "cloudpay", types: ["alipay"], base_url: emu.baseUrl, ...UP },
    ]);
    now = h.ctx.now;
    emu.notifyUrl = `${h.paydesk.url}/api/notify/cp-pd`;
    try {
      const res = await h.create({ price: "2.00", type: "alipay", out_order_id: "cp-pd-1" });
      expect(res.code).toBe(100);
      const orderId = res.data!.order_id!;
      expect(res.data!.pay_amount).toBe("2.00");
      expect(res.data!.expires_at).toBe(Math.floor(h.ctx.now() / 1000) + 300);
      expect((await h.order(orderId))!.provider_order_id).toBe(emu.order(orderId).order_id);
      await emu.pay(orderId);
      expect((await h.order(orderId))!.status).toBe("paid");
    } finally {
      await h.close();
      await emu.close();
    }
  });
});
