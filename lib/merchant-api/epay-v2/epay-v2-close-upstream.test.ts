import { createSign, generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { epayV2ApiHandler } from "@/lib/http/epay-v2-handler";
import type { DatabaseHandle } from "@/lib/storage/database";
import { describeOnDatabases } from "@/test/support/databases";
import { startOfficialChannels, type OfficialChannels } from "@/test/support/official-channels";
import {
  openTestDatabase,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
} from "@/test/support/test-context";
import type { EpayV2Action } from "./epay-v2-api";

/**
 * V2's `pay/close` of a pending order on an official channel closes the trade upstream first, as 云端's close does
 * (lib/orders/close-on-expiry.ts closeMerchantOrder): against the Alipay 当面付 and WeChat Pay v3 emulators.
 */

const shopKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const platformKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PID = "4000";

function signed(fields: Record<string, string>, now: number): Record<string, string> {
  const all: Record<string, string> = { ...fields, pid: PID, timestamp: String(Math.floor(now / 1000)) };
  const content = Object.keys(all)
    .filter((k) => all[k] !== "")
    .sort()
    .map((k) => `${k}=${all[k]}`)
    .join("&");
  const sign = createSign("RSA-SHA256").update(content, "utf8").sign(shopKeys.privateKey, "base64");
  return { ...all, sign, sign_type: "RSA" };
}

const savedKey = process.env.PAYDESK_EPAY_V2_PRIVATE_KEY;
beforeAll(() => {
  process.env.PAYDESK_EPAY_V2_PRIVATE_KEY = platformKeys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
});
afterAll(() => {
  if (savedKey === undefined) delete process.env.PAYDESK_EPAY_V2_PRIVATE_KEY;
  else process.env.PAYDESK_EPAY_V2_PRIVATE_KEY = savedKey;
});

describeOnDatabases("epay V2 pay/close on official channels", (dialect) => {
  let official: OfficialChannels;
  let db: DatabaseHandle;
  let ctx: TestContext;
  let n = 0;

  beforeAll(async () => {
    official = await startOfficialChannels({ now: () => ctx.now(), timeoutMs: 400 });
    const file = testConfigFile({
      merchants: testConfigFile().merchants.map((m) => ({
        ...m,
        channels: ["ali", "wx"],
        epay_v2: {
          pid: PID,
          public_key: shopKeys.publicKey.export({ type: "spki", format: "pem" }).toString(),
          allowed_hosts: [],
        },
      })),
      channels: official.channels,
    });
    db = await openTestDatabase(dialect);
    ctx = testContext(db, testAppConfig(file));
  });
  afterAll(async () => {
    await db.close();
    await official.close();
  });
  beforeEach(() => official.reset());

  async function post(action: EpayV2Action, fields: Record<string, string>): Promise<Record<string, unknown>> {
    ctx.clock.advance(1000);
    const res = await epayV2ApiHandler(action, () => Promise.resolve(ctx))(
      new Request(`http://paydesk.test/api/${action}`, {
        method: "POST",
        body: new URLSearchParams(signed(fields, ctx.now())),
      }),
    );
    return (await res.json()) as Record<string, unknown>;
  }
  async function create(type: "alipay" | "wxpay", money = "1.00"): Promise<{ orderId: string; ref: string }> {
    const ref = `v2close-${dialect}-${++n}`;
    const a = await post("pay/create", {
      type,
      out_trade_no: ref,
      notify_url: "https://shop.example/n",
      name: "n",
      money,
    });
    expect(a.code, String(a.msg)).toBe(0);
    return { orderId: String(a.trade_no), ref };
  }
  const status = async (orderId: string) => (await ctx.repos.orders.findOrderById(orderId))?.status;

  it("closes a scanned Alipay trade upstream, then the order; a second close asks nothing more", async () => {
    const { orderId, ref } = await create("alipay");
    official.ali.scan(orderId);
    expect(await post("pay/close", { out_trade_no: ref })).toMatchObject({ code: 0, msg: "订单关闭成功" });
    expect(official.ali.order(orderId).status).toBe("TRADE_CLOSED");
    expect(await status(orderId)).toBe("closed");
    const closes = () =>
      official.ali.calls.filter((c) => c.method === "alipay.trade.close" && c.biz.out_trade_no === orderId);
    expect(closes()).toHaveLength(1);
    expect(await post("pay/close", { trade_no: orderId })).toMatchObject({ code: 0 });
    expect(closes()).toHaveLength(1);
  });

  it("a WeChat trade paid before the close is credited and the close refused; a platform down leaves it pending", async () => {
    const paid = await create("wxpay", "3.00");
    official.wx.markPaid(paid.orderId);
    expect(await post("pay/close", { out_trade_no: paid.ref })).toEqual({ code: -1, msg: "订单已支付，不能关闭" });
    expect(await ctx.repos.orders.findOrderById(paid.orderId)).toMatchObject({ status: "paid", real_fen: 300 });

    const down = await create("wxpay");
    official.wx.setFaults({ httpStatus: 500 });
    expect(await post("pay/close", { out_trade_no: down.ref })).toEqual({
      code: -1,
      msg: "支付平台暂时无法关闭该订单，请稍后重试",
    });
    expect(await status(down.orderId)).toBe("pending");
    expect(official.wx.order(down.orderId).trade_state).toBe("NOTPAY");
    official.wx.setFaults({ httpStatus: null });
    expect(await post("pay/close", { out_trade_no: down.ref })).toMatchObject({ code: 0 });
    expect(official.wx.order(down.orderId).trade_state).toBe("CLOSED");
    expect(await status(down.orderId)).toBe("closed");
  });
});
