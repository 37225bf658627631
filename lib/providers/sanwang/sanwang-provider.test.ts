import { dispatchOnce } from "@/test/support/dispatch-once";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALIPAY_QR_TEMPLATE, sanwangChannelSchema } from "./config";
import { alipayQrContent, isMonitorCode } from "./sanwang-codes";
import { sanwangFailureAck, sanwangKeyMatches, sanwangProvider, sanwangSuccessAck } from "./sanwang-provider";
import type { NotifyRequest } from "@/lib/providers/types";
import { type SanwangEmulator, startSanwangEmulator } from "@/test/support/emulators";
import type { DatabaseHandle } from "@/lib/storage/database";
import { FakeShop } from "@/test/support/fake-shop";
import type { RunningServer } from "@/test/support/http-server";
import { signedCreateParams } from "@/test/support/merchant-client";
import { startPaydeskServer } from "@/test/support/paydesk-server";
import {
  openTestDatabase,
  statelessProviderDeps,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";

describe("sanwang wire details", () => {
  it("fills the Alipay template URL-encoded, amount in yuan", () => {
    const c = sanwangChannelSchema.parse({
      id: "sw",
      provider: "sanwang",
      key: "k",
      types: ["alipay"],
      alipay_uid: "2088 1",
      alipay_qr_template: "https://q.example/?u={uid}&a={amount}&d={desc}",
    });
    expect(alipayQrContent(c, 1005, "a&b")).toBe("https://q.example/?u=2088%201&a=10.05&d=a%26b");
  });

  it("acks with a body containing the flag, and fails with one that never does", () => {
    expect(sanwangSuccessAck("#").body).toContain("#");
    for (const flag of ["#", "OK", "f", "ai", "fail"]) expect(sanwangFailureAck(flag).body).not.toContain(flag);
  });

  it("compares the key exactly (case matters), in constant time", () => {
    expect(sanwangKeyMatches("123456", "123456")).toBe(true);
    expect(sanwangKeyMatches("abcDEF", "abcdef")).toBe(false);
    expect(sanwangKeyMatches("123456", "")).toBe(false);
  });

  it("reports each notify's wallet (the core compares it with the order's) and takes only the POST it is sent as", async () => {
    const channel = sanwangChannelSchema.parse({
      id: "sw",
      provider: "sanwang",
      key: "k",
      types: ["alipay", "wxpay"],
      alipay_uid: "2088",
      monitor_url: "http://127.0.0.1:9/",
    });
    const provider = sanwangProvider.create(channel, statelessProviderDeps(fetch));
    // An Alipay payment whose memo names an order: on a channel that also collects WeChat, that order may be one.
    const fields = new URLSearchParams({
      key: "k",
      tradeNo: "2019030122",
      goodsTitle: "memo",
      amount: "1.00",
      uid: "2088",
    });
    const request = (method: string, query: string, rawBody: string): NotifyRequest => ({
      method,
      url: new URL(`http://paydesk.test/api/notify/sw${query}`),
      headers: new Headers(),
      rawBody,
    });
    expect(await provider.parseNotify(request("POST", "", fields.toString()))).toMatchObject({
      kind: "payment",
      tradeNo: "alipay:2019030122",
      type: "alipay",
    });
    // The key travels in clear: a GET carrying it is a copy from a log or a link, never the software.
    expect(await provider.parseNotify(request("GET", `?${fields}`, ""))).toMatchObject({ kind: "rejected" });
  });

  it("accepts only codes of the asked wallet from the monitor", () => {
    expect(isMonitorCode("wxpay", "wxp://f2f1w2FV5UUuZd3DK4w13KHwi6lI4OgaXaDd")).toBe(true);
    expect(isMonitorCode("qqpay", "https://i.qianbao.qq.com/wallet/sqrcode.htm?m=tenpay&a=1")).toBe(true);
    expect(isMonitorCode("wxpay", "https://i.qianbao.qq.com/wallet/sqrcode.htm")).toBe(false);
    expect(isMonitorCode("qqpay", "https://qq.com.evil.example/x")).toBe(false);
    expect(isMonitorCode("wxpay", "key错误")).toBe(false);
  });
});

interface CreateAnswer {
  code: number;
  msg: string;
  data?: { order_id: string; qr_content: string };
}

const KEY = "sw-test-key";
const UID = "2088902565828418";
const TIMEOUT_MS = 1000;
const CHANNEL = { alipay: "sw-ali", wxpay: "sw-wx", qqpay: "sw-qq" } as const;

describe("sanwang over HTTP: Paydesk ⇄ monitor emulator ⇄ shop", () => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let paydesk: RunningServer;
  let emu: SanwangEmulator;
  const shop = new FakeShop();
  let seq = 0;

  beforeAll(async () => {
    await shop.start();
    emu = await startSanwangEmulator({ key: KEY, returnFlag: "#", alipayUid: UID });
    db = await openTestDatabase("sqlite");
    const base = testConfigFile();
    const common = {
      provider: "sanwang" as const,
      key: KEY,
      return_flag: "#",
      alipay_qr_template: DEFAULT_ALIPAY_QR_TEMPLATE,
      timeout_ms: TIMEOUT_MS,
    };
    const file = testConfigFile({
      merchants: [{ ...base.merchants[0]!, notify_url: shop.notifyUrl, channels: Object.values(CHANNEL) }],
      channels: [
        { ...common, id: CHANNEL.alipay, types: ["alipay"], alipay_uid: UID },
        { ...common, id: CHANNEL.wxpay, types: ["wxpay"], monitor_url: emu.wxpayUrl },
        { ...common, id: CHANNEL.qqpay, types: ["qqpay"], monitor_url: emu.qqpayUrl },
      ],
    });
    ctx = testContext(db, testAppConfig(file));
    paydesk = await startPaydeskServer(ctx);
    for (const [wallet, id] of Object.entries(CHANNEL))
      emu.notifyUrls[wallet as keyof typeof CHANNEL] = `${paydesk.url}/api/notify/${id}`;
  });
  afterAll(async () => {
    await paydesk.close();
    await emu.close();
    await shop.stop();
    await db.close();
  });

  async function create(type: string, price: string, out = `sw-${++seq}`): Promise<CreateAnswer> {
    const res = await fetch(`${paydesk.url}/api/cloudpay/create`, {
      method: "POST",
      body: new URLSearchParams(signedCreateParams({ price, type, out_order_id: out })),
    });
    return (await res.json()) as CreateAnswer;
  }
  const status = async (orderId: string) => (await ctx.repos.orders.findOrderById(orderId))?.status;
  const dispatch = () => dispatchOnce(ctx);

  it.each([
    ["alipay", "12.30"],
    ["wxpay", "12.31"],
    ["qqpay", "12.32"],
  ] as const)(
    "%s: creates a code, gets paid by the software's notify, and notifies the shop once",
    async (type, price) => {
      const before = emu.requests.length;
      const created = await create(type, price);
      expect(created.code).toBe(100);
      const { order_id: orderId, qr_content: qr } = created.data!;
      const fen = price.replace(".", "");

      if (type === "alipay") {
        // Built locally from the template: no call to the monitor; the memo is the order id.
        expect(qr).toBe(`http://pay.oksvn.com/alipayqr.aspx?uid=${UID}&amount=${price}&desc=${orderId}`);
        expect(emu.requests.length).toBe(before);
      } else {
        expect(emu.requests.length).toBe(before + 1);
        const req = emu.requests.at(-1)!;
        expect(req).toMatchObject({ wallet: type, amount: fen, keyOk: true });
        expect(req.desc).toMatch(/^[A-Za-z0-9]{6,}$/);
        expect(qr).toMatch(type === "wxpay" ? /^wxp:\/\// : /^https:\/\/i\.qianbao\.qq\.com\//);
      }

      const [ack] = await emu.pay(qr);
      expect(ack).toMatchObject({ wallet: type, status: 200, acked: true });
      expect(await status(orderId)).toBe("paid");
      expect(await dispatch()).toBe(1);
      const got = shop.verifiedFor(orderId);
      expect(got).toHaveLength(1);
      expect(got[0]!.fields).toMatchObject({ price, realprice: price, type });
    },
  );

  it("answers a bad key without the return flag and changes nothing", async () => {
    const created = await create("wxpay", "2.01");
    const [ack] = await emu.pay(created.data!.qr_content, { badKey: true });
    expect(ack!.acked).toBe(false);
    expect(ack!.body).not.toContain("#");
    expect(await status(created.data!.order_id)).toBe("pending");
    expect(await ctx.repos.payments.listPaymentsForOrder(created.data!.order_id)).toHaveLength(0);
  });

  it.each(["alipay", "wxpay", "qqpay"] as const)(
    "%s: duplicates and re-pushes after a restart credit once",
    async (type) => {
      const created = await create(type, "3.33");
      const orderId = created.data!.order_id;
      const acks = await emu.pay(created.data!.qr_content, { duplicates: 2 });
      const repushed = await emu.restart();
      for (const ack of [...acks, ...repushed]) expect(ack.acked).toBe(true);
      expect(await ctx.repos.payments.listPaymentsForOrder(orderId)).toHaveLength(1);
      await dispatch();
      expect(shop.verifiedFor(orderId)).toHaveLength(1);
    },
  );

  it("keeps a payment of another amount as mismatched, the order pending", async () => {
    const created = await create("wxpay", "4.44");
    const [ack] = await emu.pay(created.data!.qr_content, { amountFen: 400 });
    expect(ack!.acked).toBe(true);
    expect(await status(created.data!.order_id)).toBe("pending");
    const payments = await ctx.repos.payments.listPaymentsForOrder(created.data!.order_id);
    expect(payments.map((p) => [p.status, p.amount_fen])).toEqual([["mismatched", 400]]);
  });

  it("gives two concurrent orders of the same amount different codes", async () => {
    const before = emu.requests.length;
    const [a, b] = await Promise.all([create("wxpay", "5.55"), create("wxpay", "5.55")]);
    expect(a!.code).toBe(100);
    expect(b!.code).toBe(100);
    expect(a!.data!.qr_content).not.toBe(b!.data!.qr_content);
    expect(emu.requests.length).toBe(before + 2);
  });

  it("reuses a released code without asking the monitor, and credits the order holding it now", async () => {
    const first = await create("qqpay", "6.66");
    await emu.pay(first.data!.qr_content);
    expect(await status(first.data!.order_id)).toBe("paid");

    const before = emu.requests.length;
    const second = await create("qqpay", "6.66");
    expect(second.data!.qr_content).toBe(first.data!.qr_content);
    expect(emu.requests.length).toBe(before);
    await emu.pay(second.data!.qr_content);
    expect(await status(second.data!.order_id)).toBe("paid");
    expect(await ctx.repos.payments.listPaymentsForOrder(first.data!.order_id)).toHaveLength(1);
  });

  it("reuses an abandoned code once its lock and the late-payment grace passed", async () => {
    const abandoned = await create("wxpay", "7.77");
    ctx.clock.advance(16 * 60_000);
    const before = emu.requests.length;
    const next = await create("wxpay", "7.77");
    expect(next.data!.qr_content).toBe(abandoned.data!.qr_content);
    expect(emu.requests.length).toBe(before);
    await emu.pay(next.data!.qr_content);
    expect(await status(next.data!.order_id)).toBe("paid");
    expect(await status(abandoned.data!.order_id)).not.toBe("paid");
  });

  it("answers 208 with the monitor's error text, leaving no order", async () => {
    emu.faults.errorText = "微信未登录";
    try {
      const created = await create("wxpay", "8.01", "sw-monitor-error");
      expect(created.code).toBe(208);
      expect(created.msg).toContain("微信未登录");
    } finally {
      emu.faults.errorText = null;
    }
    expect(await ctx.repos.orders.findOrderByMerchantRef("k1", "sw-monitor-error")).toBeUndefined();
  });

  it("answers 208 within the channel timeout when the monitor is slow, leaving no order and no code", async () => {
    const codesBefore = (await ctx.repos.qrCache.listQrCodes(CHANNEL.qqpay)).length;
    emu.faults.delayMs = TIMEOUT_MS * 4;
    const started = Date.now();
    try {
      const created = await create("qqpay", "8.02", "sw-slow");
      expect(created.code).toBe(208);
    } finally {
      emu.faults.delayMs = 0;
    }
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    expect(await ctx.repos.orders.findOrderByMerchantRef("k1", "sw-slow")).toBeUndefined();
    expect(await ctx.repos.qrCache.listQrCodes(CHANNEL.qqpay)).toHaveLength(codesBefore);
  });
});
