import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startJsjEmulator, type JsjEmulator } from "@/test/support/emulators";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import type { DatabaseHandle } from "@/lib/storage/database";
import { findOrderById, findOrderByMerchantRef } from "@/lib/storage/orders-repo";
import { listPaymentsForOrder } from "@/lib/storage/payments-repo";
import { FakeShop } from "@/test/support/fake-shop";
import type { RunningServer } from "@/test/support/http-server";
import { signedCreateParams } from "@/test/support/merchant-client";
import { startPaydeskServer } from "@/test/support/paydesk-server";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";

interface CreateAnswer {
  code: number;
  msg: string;
  data?: { order_id: string; qr_content: string; pay_amount: string };
}

const APIID = "12744";
const APIKEY = "jsj-test-key";
const TIMEOUT_MS = 1000;

describe("jsj over HTTP: Paydesk ⇄ JSJ emulator ⇄ shop", () => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let paydesk: RunningServer;
  let wx: JsjEmulator;
  let qq: JsjEmulator;
  const shop = new FakeShop();

  beforeAll(async () => {
    await shop.start();
    wx = await startJsjEmulator({ apiid: APIID, apikey: APIKEY, wallet: "wxpay" });
    qq = await startJsjEmulator({ apiid: APIID, apikey: APIKEY, wallet: "qqpay" });
    db = await openTestDatabase("sqlite");
    const base = testConfigFile();
    const file = testConfigFile({
      merchants: [{ ...base.merchants[0]!, notify_url: shop.notifyUrl, channels: ["jsj-wx", "jsj-qq"] }],
      channels: [
        {
          id: "jsj-wx",
          provider: "jsj",
          types: ["wxpay"],
          base_url: wx.url,
          apiid: APIID,
          apikey: APIKEY,
          timeout_ms: TIMEOUT_MS,
        },
        {
          id: "jsj-qq",
          provider: "jsj",
          types: ["qqpay"],
          base_url: qq.url,
          apiid: APIID,
          apikey: APIKEY,
          timeout_ms: TIMEOUT_MS,
        },
      ],
    });
    ctx = testContext(db, testAppConfig(file));
    paydesk = await startPaydeskServer(ctx);
  });
  afterAll(async () => {
    await paydesk.close();
    await wx.close();
    await qq.close();
    await shop.stop();
    await db.close();
  });

  async function create(out_order_id: string, price = "12.30", type = "wxpay"): Promise<CreateAnswer> {
    const res = await fetch(`${paydesk.url}/api/cloudpay/create`, {
      method: "POST",
      body: new URLSearchParams(signedCreateParams({ price, type, out_order_id, custom: "u1" })),
    });
    return (await res.json()) as CreateAnswer;
  }

  /** The addnum Paydesk sent for an order (the emulator saw it; Paydesk stored it as the provider order id). */
  async function addnumOf(orderId: string): Promise<string> {
    const order = await findOrderById(ctx.db, orderId);
    return order!.provider_order_id!;
  }

  const dispatch = () =>
    dispatchDue(ctx.db, { owner: "t", now: ctx.now, fetch, timeoutMs: 2000, log: pino({ level: "silent" }) });

  it("creates a WeChat code, gets paid by the callback, and notifies the shop exactly once", async () => {
    const created = await create("jsj-1");
    expect(created.code).toBe(100);
    const orderId = created.data!.order_id;
    expect(created.data!.qr_content).toMatch(/^weixin:\/\/wxpay\//);

    const req = wx.requests.at(-1)!;
    expect(req).toMatchObject({ apiidOk: true, keyOk: true, totalOk: true });
    expect(req.fields.total).toBe("12.30");
    expect(req.fields.showurl).toBe(`${paydesk.url}/api/notify/jsj-wx`);
    const addnum = await addnumOf(orderId);
    expect(req.fields.addnum).toBe(addnum);
    expect(addnum).toMatch(/^[a-z0-9]{1,20}$/);

    const [ack] = await wx.pay(addnum);
    expect(ack).toMatchObject({ status: 200, body: "success" });
    expect((await findOrderById(ctx.db, orderId))!.status).toBe("paid");

    expect(await dispatch()).toBe(1);
    const got = shop.verifiedFor(orderId);
    expect(got).toHaveLength(1);
    expect(got[0]!.fields).toMatchObject({ out_order_id: "jsj-1", price: "12.30", realprice: "12.30", type: "wxpay" });
  });

  it("credits duplicate, GET and replayed callbacks once", async () => {
    const created = await create("jsj-dup", "5.00");
    const orderId = created.data!.order_id;
    const addnum = await addnumOf(orderId);
    const acks = await wx.pay(addnum, { duplicates: 2 });
    await wx.pay(addnum, { method: "GET" });
    await wx.replayAll();
    for (const ack of acks) expect(ack.body).toBe("success");
    expect(await listPaymentsForOrder(ctx.db, orderId)).toHaveLength(1);
    await dispatch();
    expect(shop.verifiedFor(orderId)).toHaveLength(1);
  });

  it("answers `error` to a callback with a bad key and changes nothing", async () => {
    const created = await create("jsj-badkey");
    const orderId = created.data!.order_id;
    const [ack] = await wx.pay(await addnumOf(orderId), { badKey: true });
    expect(ack!.body).toBe("error");
    expect((await findOrderById(ctx.db, orderId))!.status).toBe("pending");
    expect(await listPaymentsForOrder(ctx.db, orderId)).toHaveLength(0);
  });

  it("keeps a short payment as mismatched and the order pending", async () => {
    const created = await create("jsj-short", "12.30");
    const orderId = created.data!.order_id;
    const [ack] = await wx.pay(await addnumOf(orderId), { total: "12.00" });
    expect(ack!.body).toBe("success");
    expect((await findOrderById(ctx.db, orderId))!.status).toBe("pending");
    const payments = await listPaymentsForOrder(ctx.db, orderId);
    expect(payments.map((p) => [p.status, p.amount_fen])).toEqual([["mismatched", 1200]]);
  });

  it("sends the payer's browser on the callback URL to the cashier page", async () => {
    const created = await create("jsj-browser");
    const orderId = created.data!.order_id;
    const addnum = await addnumOf(orderId);

    const unsigned = await wx.browserReturn(addnum);
    expect(unsigned.status).toBe(303);
    expect(unsigned.location).toBe(`${paydesk.url}/pay/${orderId}`);
    expect((await findOrderById(ctx.db, orderId))!.status).toBe("pending");

    // A browser carrying a signed callback is credited (only JSJ can sign it) and then sent to the page.
    const signed = await wx.browserReturn(addnum, { signed: true });
    expect(signed.status).toBe(200);
    expect(signed.body).toContain(`url=?addnum=${addnum}`);
    expect((await findOrderById(ctx.db, orderId))!.status).toBe("paid");
  });

  it("creates a QQ code on a QQ endpoint", async () => {
    const created = await create("jsj-qq", "3.00", "qqpay");
    expect(created.code).toBe(100);
    expect(created.data!.qr_content).toMatch(/^https:\/\/qpay\.qq\.com\/qr\//);
    const [ack] = await qq.pay(await addnumOf(created.data!.order_id));
    expect(ack!.body).toBe("success");
    expect((await findOrderById(ctx.db, created.data!.order_id))!.status).toBe("paid");
  });

  it("passes the gateway's error text on as code 208 and leaves no order", async () => {
    wx.faults.errorText = "金额变动无法支付";
    try {
      const created = await create("jsj-amount-changed");
      expect(created.code).toBe(208);
      expect(created.msg).toContain("金额变动无法支付");
    } finally {
      wx.faults.errorText = null;
    }
    expect(await findOrderByMerchantRef(ctx.db, "k1", "jsj-amount-changed")).toBeUndefined();
  });

  it("answers 208 within the channel timeout when the gateway is slow, leaving no order", async () => {
    wx.faults.delayMs = TIMEOUT_MS * 4;
    const started = Date.now();
    try {
      const created = await create("jsj-slow");
      expect(created.code).toBe(208);
    } finally {
      wx.faults.delayMs = 0;
    }
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    expect(await findOrderByMerchantRef(ctx.db, "k1", "jsj-slow")).toBeUndefined();
  });
});
