import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGemafuEmulator, type GemafuEmulator } from "@/test/support/emulators";
import { startProviderHarness, type ProviderHarness } from "@/test/support/provider-test-harness";
import { expectWrongKeyRefused, upstreamFailureCases } from "@/test/support/upstream-failure-cases";
import { gemafuSign } from "./gemafu-sign";

const SECRET = "gm-secret-1";

describe("gemafu over HTTP (emulator)", () => {
  let emu: GemafuEmulator;
  let h: ProviderHarness;
  let n = 0;
  const ref = () => `gm-${++n}`;

  beforeAll(async () => {
    let now = () => Date.now();
    emu = await startGemafuEmulator({ mId: 9999, secretKey: SECRET, now: () => now() });
    h = await startProviderHarness([
      {
        id: "gm1",
        provider: "gemafu",
        types: ["wxpay"],
        base_url: emu.baseUrl,
        m_id: 9999,
        secret_key: SECRET,
        appname: "shop",
        timeout_ms: 500,
      },
    ]);
    now = h.ctx.now;
  });
  afterAll(async () => {
    await h.close();
    await emu.close();
  });
  beforeEach(() => {
    emu.setFaults({ delayMs: 0, httpStatus: null, garbage: false, errorMessage: null });
    emu.options.payAmount = undefined;
    emu.options.freecode = false;
    h.resetBreaker("gm1");
  });

  async function createPaid(price = "10.00") {
    const created = await h.create({ price, type: "wxpay", out_order_id: ref(), custom: "u1" });
    expect(created.code).toBe(100);
    return created.data!.order_id!;
  }

  it("creates with a correctly signed PlaceOrder, pays, and notifies the shop exactly once", async () => {
    const outOrderId = ref();
    const created = await h.create({ price: "10.00", type: "wxpay", out_order_id: outOrderId, custom: "u1" });
    expect(created.code).toBe(100);
    const orderId = created.data!.order_id!;
    const upstream = emu.order(orderId);
    expect(upstream.signatureValid).toBe(true);
    expect(upstream.data).toMatchObject({
      method: "PlaceOrder",
      m_id: 9999,
      m_oid: orderId,
      m_money: 1000,
      appname: "shop",
    });
    expect(upstream.notifyUrl).toBe(`${h.paydesk.url}/api/notify/gm1`);
    expect(created.data!.qr_content).toMatch(/^wxp:\/\//);

    const acks = await emu.pay(orderId);
    expect(acks[0]!.body).toBe("200");
    expect((await h.order(orderId))!.status).toBe("paid");
    expect((await h.query(outOrderId)).data).toMatchObject({ status: "paid", realprice: "10.00" });

    expect(await h.dispatch()).toBe(1);
    const got = h.shop.verifiedFor(orderId);
    expect(got).toHaveLength(1);
    expect(got[0]!.fields).toMatchObject({ price: "10.00", realprice: "10.00", type: "wxpay", extend: "u1" });
    expect(await h.dispatch()).toBe(0);
  });

  it("rejects a notify with a bad signature: no 200 ack, nothing changes", async () => {
    const orderId = await createPaid();
    const [ack] = await emu.pay(orderId, { badSignature: true });
    expect(ack!.body).not.toBe("200");
    expect((await h.order(orderId))!.status).toBe("pending");
    expect((await h.payments("gm1")).filter((p) => p.order_id === orderId)).toHaveLength(0);
    expect(await h.outboxCount(orderId)).toBe(0);
  });

  it("credits duplicates and re-pushes once", async () => {
    const orderId = await createPaid();
    const before = (await h.payments("gm1")).length;
    const acks = await emu.pay(orderId, { duplicates: 2 });
    expect(acks.map((a) => a.body)).toEqual(["200", "200", "200"]);
    expect((await emu.repush(orderId)).body).toBe("200");
    const rows = (await h.payments("gm1")).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: "applied",
      order_id: orderId,
      trade_no: String(emu.order(orderId).orderid),
    });
    expect(await h.outboxCount(orderId)).toBe(1);
  });

  it("keeps a wrong amount as mismatched and leaves the order pending", async () => {
    const orderId = await createPaid();
    const [ack] = await emu.pay(orderId, { amountFen: 999 });
    expect(ack!.body).toBe("200");
    expect((await h.order(orderId))!.status).toBe("pending");
    const row = (await h.payments("gm1")).find((p) => p.order_id === orderId);
    expect(row).toMatchObject({ status: "mismatched", amount_fen: 999 });
    expect(await h.outboxCount(orderId)).toBe(0);
  });

  it("a wrong money does not use up the platform's order id: the correct notify after it pays the order", async () => {
    const orderId = await createPaid();
    expect((await emu.pay(orderId, { amountFen: 999 }))[0]!.body).toBe("200");
    expect((await emu.pay(orderId))[0]!.body).toBe("200");
    expect((await h.order(orderId))!.status).toBe("paid");
    const rows = (await h.payments("gm1")).filter((p) => p.order_id === orderId);
    expect(rows.map((p) => [p.status, p.amount_fen, p.trade_no])).toEqual([
      ["mismatched", 999, String(emu.order(orderId).orderid)],
      ["applied", 1000, String(emu.order(orderId).orderid)],
    ]);
    expect(rows[0]!.related_payment_id).toBe(rows[1]!.id);
    expect(await h.outboxCount(orderId)).toBe(1);
  });

  it("accepts notifies only as the POST the platform sends", async () => {
    const orderId = await createPaid();
    const data = { orderid: emu.order(orderId).orderid, payid: 1, m_oid: orderId, money: 1000 };
    const body = JSON.stringify({ data, sign: gemafuSign(data, SECRET) });
    const res = await fetch(`${h.paydesk.url}/api/notify/gm1`, { method: "PUT", body });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("sign error");
    expect(await h.order(orderId)).toMatchObject({ status: "pending" });
    expect((await h.payments("gm1")).filter((p) => p.order_id === orderId)).toHaveLength(0);
  });

  it("uses the platform's money as the amount to pay when it differs from m_money", async () => {
    emu.options.payAmount = (m) => m - 3;
    emu.options.freecode = true;
    const created = await h.create({ price: "10.00", type: "wxpay", out_order_id: ref() });
    expect(created.code).toBe(100);
    expect(created.data!.pay_amount).toBe("9.97");
    const orderId = created.data!.order_id!;
    expect((await h.order(orderId))!.free_amount).toBe(true);
    // Paying m_money (the price) is not what the platform asked for: kept for review.
    await emu.pay(orderId, { amountFen: 1000 });
    expect((await h.order(orderId))!.status).toBe("pending");
    expect((await h.payments("gm1")).find((p) => p.order_id === orderId)!.status).toBe("mismatched");
  });

  upstreamFailureCases({
    emu: () => emu,
    h: () => h,
    ref,
    price: "10.00",
    type: "wxpay",
    errorMessage: "商户余额不足",
    httpStatus: 502,
  });
});

describe("gemafu with a wrong secret key", () => {
  it("is refused by the platform's signature check and answered 208", async () => {
    const emu = await startGemafuEmulator({ mId: 9999, secretKey: SECRET });
    await expectWrongKeyRefused(
      emu,
      {
        id: "gm-bad",
        provider: "gemafu",
        types: ["wxpay"],
        base_url: emu.baseUrl,
        m_id: 9999,
        secret_key: "not-the-key",
        appname: "shop",
      },
      { price: "1.00", type: "wxpay", out_order_id: "gm-bad-1" },
      "签名错误",
    );
  });
});
