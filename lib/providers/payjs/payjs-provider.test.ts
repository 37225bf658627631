import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { payjsEmulatorSign, startPayjsEmulator, type PayjsEmulator } from "@/test/support/emulators";
import { startProviderHarness, type ProviderHarness } from "@/test/support/provider-test-harness";
import { expectWrongKeyRefused, upstreamFailureCases } from "@/test/support/upstream-failure-cases";

const MCHID = "123456";
const KEY = "pj-key-1";

describe("payjs over HTTP (emulator)", () => {
  let emu: PayjsEmulator;
  let h: ProviderHarness;
  let n = 0;
  const ref = () => `pj-${++n}`;

  beforeAll(async () => {
    emu = await startPayjsEmulator({ mchid: MCHID, key: KEY });
    h = await startProviderHarness([
      {
        id: "pj1",
        provider: "payjs",
        types: ["wxpay", "alipay"],
        base_url: emu.baseUrl,
        mchid: MCHID,
        key: KEY,
        timeout_ms: 500,
      },
    ]);
  });
  afterAll(async () => {
    await h.close();
    await emu.close();
  });
  beforeEach(() => {
    emu.setFaults({ delayMs: 0, httpStatus: null, garbage: false, errorMessage: null });
    h.resetBreaker("pj1");
  });

  async function create(type = "wxpay", price = "1.00") {
    const outOrderId = ref();
    const created = await h.create({ price, type, out_order_id: outOrderId, custom: "u7" });
    expect(created.code).toBe(100);
    return { orderId: created.data!.order_id!, outOrderId, created };
  }

  it("creates with a correctly signed native request, pays, and notifies the shop exactly once", async () => {
    const { orderId, outOrderId, created } = await create("wxpay", "1.00");
    const upstream = emu.order(orderId);
    expect(upstream.signatureValid).toBe(true);
    expect(upstream.fields).toMatchObject({
      mchid: MCHID,
      total_fee: "100",
      out_trade_no: orderId,
      notify_url: `${h.paydesk.url}/api/notify/pj1`,
    });
    expect(upstream.fields.type).toBeUndefined();
    expect(created.data!.qr_content).toMatch(/^weixin:\/\/wxpay\/bizpayurl/);

    const [ack] = await emu.pay(orderId);
    expect(ack).toEqual({ status: 200, body: "success" });
    expect((await h.query(outOrderId)).data).toMatchObject({ status: "paid", realprice: "1.00" });
    expect(await h.dispatch()).toBe(1);
    const got = h.shop.verifiedFor(orderId);
    expect(got).toHaveLength(1);
    expect(got[0]!.fields).toMatchObject({ out_order_id: outOrderId, realprice: "1.00", type: "wxpay", extend: "u7" });
  });

  it("sends type=alipay for Alipay orders", async () => {
    const { orderId } = await create("alipay");
    expect(emu.order(orderId).fields.type).toBe("alipay");
    expect(emu.order(orderId).signatureValid).toBe(true);
    const [ack] = await emu.pay(orderId);
    expect(ack!.body).toBe("success");
    expect((await h.order(orderId))!.status).toBe("paid");
  });

  it("rejects a bad signature with fail and changes nothing", async () => {
    const { orderId } = await create();
    const [ack] = await emu.pay(orderId, { badSignature: true });
    expect(ack!.body).toBe("fail");
    expect((await h.order(orderId))!.status).toBe("pending");
    expect((await h.payments("pj1")).filter((p) => p.order_id === orderId)).toHaveLength(0);
  });

  it("credits duplicates and re-pushes once", async () => {
    const { orderId } = await create();
    const before = (await h.payments("pj1")).length;
    const acks = await emu.pay(orderId, { duplicates: 2 });
    expect(acks.every((a) => a.status === 200 && a.body === "success")).toBe(true);
    expect((await emu.repush(orderId)).body).toBe("success");
    const rows = (await h.payments("pj1")).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: "applied",
      order_id: orderId,
      trade_no: emu.order(orderId).payjs_order_id,
    });
    expect(await h.outboxCount(orderId)).toBe(1);
  });

  it("keeps a wrong amount as mismatched and leaves the order pending", async () => {
    const { orderId } = await create("wxpay", "2.00");
    await emu.pay(orderId, { amountFen: 199 });
    expect((await h.order(orderId))!.status).toBe("pending");
    expect((await h.payments("pj1")).find((p) => p.order_id === orderId)).toMatchObject({
      status: "mismatched",
      amount_fen: 199,
    });
    expect(await h.outboxCount(orderId)).toBe(0);
  });

  it("acknowledges a verified not-paid notify without crediting", async () => {
    const { orderId } = await create();
    const o = emu.order(orderId);
    const fields = {
      return_code: "0",
      total_fee: "100",
      out_trade_no: orderId,
      payjs_order_id: o.payjs_order_id,
      mchid: MCHID,
    };
    const res = await fetch(`${h.paydesk.url}/api/notify/pj1`, {
      method: "POST",
      body: new URLSearchParams({ ...fields, sign: payjsEmulatorSign(fields, KEY) }),
    });
    expect(await res.text()).toBe("success");
    expect((await h.order(orderId))!.status).toBe("pending");
  });

  /** A paid notify signed with the channel's key, fields as chosen (the emulator sends only the order's own). */
  async function signedNotify(orderId: string, over: Record<string, string>, method: "POST" | "GET" = "POST") {
    const o = emu.order(orderId);
    const fields: Record<string, string> = {
      return_code: "1",
      total_fee: "100",
      out_trade_no: orderId,
      payjs_order_id: o.payjs_order_id,
      transaction_id: "4200002026112212000000000999",
      mchid: MCHID,
      ...over,
    };
    const form = new URLSearchParams({ ...fields, sign: payjsEmulatorSign(fields, KEY) });
    const url = `${h.paydesk.url}/api/notify/pj1`;
    const res = method === "GET" ? await fetch(`${url}?${form}`) : await fetch(url, { method: "POST", body: form });
    return { status: res.status, body: await res.text() };
  }

  it("accepts notifies only as the POST PAYJS sends, refusing a GET with its error answer", async () => {
    const { orderId } = await create();
    expect(await signedNotify(orderId, {}, "GET")).toEqual({ status: 400, body: "fail" });
    expect((await h.order(orderId))!.status).toBe("pending");
    expect((await h.payments("pj1")).filter((p) => p.order_id === orderId)).toHaveLength(0);
  });

  it("compares the notify's wallet (type=alipay, or none for WeChat) with the order's", async () => {
    const wx = await create("wxpay");
    expect((await signedNotify(wx.orderId, { type: "alipay" })).body).toBe("success");
    const ali = await create("alipay");
    expect((await signedNotify(ali.orderId, {})).body).toBe("success");
    for (const { orderId } of [wx, ali]) {
      expect((await h.order(orderId))!.status).toBe("pending");
      expect((await h.payments("pj1")).find((p) => p.order_id === orderId)).toMatchObject({
        status: "mismatched",
        reason: "type_mismatch",
      });
    }
    // The genuine notifies of those trades, in the orders' own wallets, still pay them.
    for (const { orderId } of [wx, ali]) {
      expect((await emu.pay(orderId))[0]!.body).toBe("success");
      expect((await h.order(orderId))!.status).toBe("paid");
    }
  });

  upstreamFailureCases({
    emu: () => emu,
    h: () => h,
    ref,
    price: "1.00",
    type: "wxpay",
    errorMessage: "商户已被禁用",
    httpStatus: 500,
  });
});

describe("payjs with a wrong key", () => {
  it("is refused by the platform and answered 208", async () => {
    const emu = await startPayjsEmulator({ mchid: MCHID, key: KEY });
    await expectWrongKeyRefused(
      emu,
      { id: "pj-bad", provider: "payjs", types: ["wxpay"], base_url: emu.baseUrl, mchid: MCHID, key: "wrong" },
      { price: "1.00", type: "wxpay", out_order_id: "pj-bad-1" },
      "签名错误",
    );
  });
});
