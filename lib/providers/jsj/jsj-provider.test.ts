import { dispatchOnce } from "@/test/support/dispatch-once";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CreatePaymentInput, type NotifyRequest, UpstreamError } from "@/lib/providers/types";
import { jsjChannelSchema } from "./config";
import {
  openTestDatabase,
  statelessProviderDeps,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import { jsjAddnum, jsjCallbackKey, jsjCodeWallet, jsjProvider, jsjRequestKey } from "./jsj-provider";
import { type JsjEmulator, startJsjEmulator } from "@/test/support/emulators";
import type { DatabaseHandle } from "@/lib/storage/database";
import { FakeShop } from "@/test/support/fake-shop";
import type { RunningServer } from "@/test/support/http-server";
import { signedCreateParams } from "@/test/support/merchant-client";
import { startPaydeskServer } from "@/test/support/paydesk-server";

// Vectors computed independently of this code, in the shell.
describe("jsj signing", () => {
  it("sends md5(APIKEY) on create", () => {
    // printf '%s' 'jsj-secret' | md5sum
    expect(jsjRequestKey("jsj-secret")).toBe("be697c88bdb20ac146fe3bfa7fe9d0ad");
  });

  it("verifies callbacks with md5(APIKEY + addnum + uid + total)", () => {
    // printf '%s' 'jsj-secreta1b2c3a1b2c312.30' | md5sum
    expect(jsjCallbackKey("jsj-secret", { addnum: "a1b2c3", uid: "a1b2c3", total: "12.30" })).toBe(
      "e2842981addd89f33d561e22a889b702",
    );
    // printf '%s' '12345620170601wx001uid00110.00' | md5sum
    expect(jsjCallbackKey("123456", { addnum: "20170601wx001", uid: "uid001", total: "10.00" })).toBe(
      "c35d5406906c573fe4700613f60dfe1d",
    );
  });

  it("derives a stable ≤20-character lowercase addnum from the order id", () => {
    // printf '%s' 'paydesk-jsj:ORDER123' | md5sum  → first 20 hex digits
    expect(jsjAddnum("ORDER123")).toBe("07ec9ecf4222e22bcdcb");
  });

  it("tells WeChat and QQ codes from error texts", () => {
    expect(jsjCodeWallet("weixin://wxpay/bizpayurl?pr=abc")).toBe("wxpay");
    expect(jsjCodeWallet("https://qpay.qq.com/qr/5a1b2c")).toBe("qqpay");
    expect(jsjCodeWallet("金额变动无法支付")).toBeNull();
    expect(jsjCodeWallet("https://evil.example/qr")).toBeNull();
  });
});

describe("jsj provider (no network)", () => {
  const channel = jsjChannelSchema.parse({
    id: "j1",
    provider: "jsj",
    types: ["wxpay", "qqpay"],
    base_url: "https://jsj.example/api",
    apiid: "1",
    apikey: "k",
  });
  const input = (type: "wxpay" | "qqpay"): CreatePaymentInput => ({
    orderId: "ORDER123",
    amountFen: 1230,
    type,
    notifyUrl: "https://pd.example/api/notify/j1",
    pageUrl: "https://pd.example/pay/ORDER123",
    subject: "Shop",
    payerId: "u1",
    now: 0,
    signal: new AbortController().signal,
  });
  const withReply = (body: string) =>
    jsjProvider.create(
      channel,
      statelessProviderDeps(async () => new Response(body)),
    );

  it("refuses a code of the wrong wallet instead of showing it", async () => {
    const p = withReply("weixin://wxpay/bizpayurl?pr=abc");
    await expect(p.createPayment(input("qqpay"))).rejects.toBeInstanceOf(UpstreamError);
    await expect(p.createPayment(input("wxpay"))).resolves.toMatchObject({
      providerOrderId: "07ec9ecf4222e22bcdcb",
      payAmountFen: 1230,
    });
  });

  it("rejects a callback without a key, and a malformed one, with `error`", async () => {
    const p = withReply("");
    const req = (body: string): NotifyRequest => ({
      method: "POST",
      url: new URL("https://pd.example/api/notify/j1"),
      headers: new Headers(),
      rawBody: body,
    });
    await expect(p.parseNotify(req("addnum=abc&total=1.00&uid=abc"))).resolves.toMatchObject({
      kind: "rejected",
      ack: { body: "error" },
    });
    await expect(p.parseNotify(req("total=1.00"))).resolves.toMatchObject({ kind: "rejected", ack: { body: "error" } });
  });

  it("rejects a jsj channel configured for alipay with a clear message", () => {
    const r = jsjChannelSchema.safeParse({
      id: "j",
      provider: "jsj",
      types: ["alipay"],
      base_url: "https://x.example",
      apiid: "1",
      apikey: "k",
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain("wxpay or qqpay");
  });
});

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
    const order = await ctx.repos.orders.findOrderById(orderId);
    return order!.provider_order_id!;
  }

  const dispatch = () => dispatchOnce(ctx);

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
    expect((await ctx.repos.orders.findOrderById(orderId))!.status).toBe("paid");

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
    expect(await ctx.repos.payments.listPaymentsForOrder(orderId)).toHaveLength(1);
    await dispatch();
    expect(shop.verifiedFor(orderId)).toHaveLength(1);
  });

  it("answers `error` to a callback with a bad key and changes nothing", async () => {
    const created = await create("jsj-badkey");
    const orderId = created.data!.order_id;
    const [ack] = await wx.pay(await addnumOf(orderId), { badKey: true });
    expect(ack!.body).toBe("error");
    expect((await ctx.repos.orders.findOrderById(orderId))!.status).toBe("pending");
    expect(await ctx.repos.payments.listPaymentsForOrder(orderId)).toHaveLength(0);
  });

  it("keeps a short payment as mismatched and the order pending", async () => {
    const created = await create("jsj-short", "12.30");
    const orderId = created.data!.order_id;
    const [ack] = await wx.pay(await addnumOf(orderId), { total: "12.00" });
    expect(ack!.body).toBe("success");
    expect((await ctx.repos.orders.findOrderById(orderId))!.status).toBe("pending");
    const payments = await ctx.repos.payments.listPaymentsForOrder(orderId);
    expect(payments.map((p) => [p.status, p.amount_fen])).toEqual([["mismatched", 1200]]);
  });

  it("a short callback does not use up the addnum: the full one after it pays the order", async () => {
    const created = await create("jsj-short-then-full", "12.30");
    const orderId = created.data!.order_id;
    const addnum = await addnumOf(orderId);
    expect((await wx.pay(addnum, { total: "12.00" }))[0]!.body).toBe("success");
    expect((await wx.pay(addnum))[0]!.body).toBe("success");
    expect((await ctx.repos.orders.findOrderById(orderId))!.status).toBe("paid");
    const payments = await ctx.repos.payments.listPaymentsForOrder(orderId);
    expect(payments.map((p) => [p.status, p.amount_fen])).toEqual([
      ["mismatched", 1200],
      ["applied", 1230],
    ]);
    expect(payments[0]!.related_payment_id).toBe(payments[1]!.id);
  });

  it("takes callbacks only as the gateway sends them (GET or POST form)", async () => {
    const created = await create("jsj-put", "6.00");
    const orderId = created.data!.order_id;
    const addnum = await addnumOf(orderId);
    const f = { addnum, uid: addnum, total: "6.00" };
    const body = new URLSearchParams({ ...f, apikey: jsjCallbackKey(APIKEY, f) });
    const res = await fetch(`${paydesk.url}/api/notify/jsj-wx`, { method: "PUT", body });
    expect(await res.text()).toBe("error");
    expect((await ctx.repos.orders.findOrderById(orderId))!.status).toBe("pending");
    expect(await ctx.repos.payments.listPaymentsForOrder(orderId)).toHaveLength(0);
  });

  it("sends the payer's browser on the callback URL to the cashier page", async () => {
    const created = await create("jsj-browser");
    const orderId = created.data!.order_id;
    const addnum = await addnumOf(orderId);

    const unsigned = await wx.browserReturn(addnum);
    expect(unsigned.status).toBe(303);
    expect(unsigned.location).toBe(`${paydesk.url}/pay/${orderId}`);
    expect((await ctx.repos.orders.findOrderById(orderId))!.status).toBe("pending");

    // A browser carrying a signed callback is credited (only JSJ can sign it) and then sent to the page.
    const signed = await wx.browserReturn(addnum, { signed: true });
    expect(signed.status).toBe(200);
    expect(signed.body).toContain(`url=?addnum=${addnum}`);
    expect((await ctx.repos.orders.findOrderById(orderId))!.status).toBe("paid");
  });

  it("creates a QQ code on a QQ endpoint", async () => {
    const created = await create("jsj-qq", "3.00", "qqpay");
    expect(created.code).toBe(100);
    expect(created.data!.qr_content).toMatch(/^https:\/\/qpay\.qq\.com\/qr\//);
    const [ack] = await qq.pay(await addnumOf(created.data!.order_id));
    expect(ack!.body).toBe("success");
    expect((await ctx.repos.orders.findOrderById(created.data!.order_id))!.status).toBe("paid");
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
    expect(await ctx.repos.orders.findOrderByMerchantRef("k1", "jsj-amount-changed")).toBeUndefined();
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
    expect(await ctx.repos.orders.findOrderByMerchantRef("k1", "jsj-slow")).toBeUndefined();
  });
});
