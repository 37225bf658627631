import { dispatchOnce } from "@/test/support/dispatch-once";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config/schema";
import type { DatabaseHandle } from "@/lib/storage/database";
import { startVmqMonitor, type VmqMonitor } from "@/test/support/emulators";
import { serveFetch, type RunningServer } from "@/test/support/http-server";
import { startPaydeskServer } from "@/test/support/paydesk-server";
import { openTestDatabase, testAppConfig, testContext, type TestContext } from "@/test/support/test-context";
import { describeOnDatabases } from "@/test/support/databases";

// The shop side is written from docs/protocols/vmq.md alone (its own md5), so a signing slip in Paydesk cannot hide
// here.
const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");
const SHOP_KEY = "vmq-shop-communication-key";
const APP_KEY = "vmq-monitor-app-key";

interface Received {
  path: string;
  query: Record<string, string>;
  verified: boolean;
}

/** A V免签-style shop: verifies `md5(payId + param + type + price + reallyPrice + key)` on every GET it gets. */
async function startShop(): Promise<{ server: RunningServer; received: Received[] }> {
  const received: Received[] = [];
  const server = await serveFetch(async (request) => {
    const url = new URL(request.url);
    const q = Object.fromEntries(url.searchParams);
    const verified =
      request.method === "GET" && q.sign === md5(`${q.payId}${q.param}${q.type}${q.price}${q.reallyPrice}${SHOP_KEY}`);
    received.push({ path: url.pathname, query: q, verified });
    return new Response(verified ? "success" : "fail");
  });
  return { server, received };
}

describeOnDatabases("V免签 merchant API", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let paydesk: RunningServer;
  let shop: { server: RunningServer; received: Received[] };
  let app: VmqMonitor;
  let seq = 0;

  beforeAll(async () => {
    shop = await startShop();
    db = await openTestDatabase(dialect);
    const base = { appsecret: "unused-cloudpay-secret", return_url: "https://shop.example/return" };
    const file = configFileSchema.parse({
      merchants: [
        {
          ...base,
          appkey: "vshop",
          name: "V Shop",
          notify_url: `${shop.server.url}/configured-notify`,
          channels: ["vmq1"],
          vmq: { key: SHOP_KEY, allowed_hosts: [`127.0.0.1:${shop.server.port}`] },
        },
        // Its configured URLs are elsewhere and nothing is allowed: a per-request URL to 127.0.0.1 must be refused.
        {
          ...base,
          appkey: "strict",
          name: "Strict",
          notify_url: "https://shop.example/notify",
          channels: ["vmq1"],
          vmq: { key: SHOP_KEY },
        },
        {
          ...base,
          appkey: "sbx",
          name: "Sandbox Shop",
          notify_url: `${shop.server.url}/sbx-notify`,
          channels: ["sandbox"],
          vmq: { key: SHOP_KEY },
        },
        { ...base, appkey: "plain", name: "No vmq", notify_url: "https://shop.example/n", channels: ["sandbox"] },
      ],
      channels: [
        {
          id: "vmq1",
          provider: "vmq",
          types: ["wxpay", "alipay"],
          key: APP_KEY,
          codes: { wxpay: "wxp://free", alipay: "https://qr.alipay.com/free" },
        },
        { id: "sandbox", provider: "sandbox", types: ["alipay", "wxpay"] },
      ],
    });
    ctx = testContext(db, testAppConfig(file));
    paydesk = await startPaydeskServer(ctx);
    app = startVmqMonitor({ host: `${paydesk.url}/api/vmq/vmq1`, key: APP_KEY, clock: ctx.clock.now });
  });
  afterAll(async () => {
    await paydesk.close();
    await shop.server.close();
    await db.close();
  });
  beforeEach(async () => {
    ctx.clock.advance(3600_000); // earlier orders' amounts are free again
    await app.heartbeat();
  });

  const api = async (appkey: string, action: string, params: Record<string, string>, init: RequestInit = {}) => {
    const res = await fetch(`${paydesk.url}/vmq/${appkey}/${action}?${new URLSearchParams(params)}`, {
      redirect: "manual",
      ...init,
    });
    return {
      status: res.status,
      location: res.headers.get("location"),
      body:
        res.status === 200
          ? ((await res.json()) as { code: number; msg: string; data: Record<string, unknown> | string | null })
          : null,
    };
  };
  const signedCreate = (
    p: { payId?: string; type?: string; price: string; param?: string } & Record<string, string>,
  ) => {
    const payId = p.payId ?? `${dialect}-${++seq}`;
    const param = p.param ?? "";
    const type = p.type ?? "1";
    return { ...p, payId, param, type, sign: md5(payId + param + type + p.price + SHOP_KEY) };
  };
  const dispatch = () => dispatchOnce(ctx);

  it("createOrder answers vmqphp's shape, each order of one price with its own reallyPrice", async () => {
    const a = await api("vshop", "createOrder", signedCreate({ price: "10.00", param: "u=7" }));
    const b = await api("vshop", "createOrder", signedCreate({ price: "10.00" }));
    expect(a.body).toMatchObject({
      code: 1,
      msg: "成功",
      data: { price: "10.00", reallyPrice: 10, payType: 1, payUrl: "wxp://free", isAuto: 0, state: 0, timeOut: 5 },
    });
    expect(b.body).toMatchObject({ code: 1, data: { reallyPrice: 10.01 } });
    const data = a.body?.data as Record<string, unknown>;
    expect(data.cashierUrl).toBe(`${paydesk.url}/pay/${String(data.orderId)}`);
  });

  it("refuses control characters (NUL above all) in payId and param, creating nothing", async () => {
    const bads: Record<string, string>[] = [{ payId: "P\u0000X" }, { param: "u=1\u0007" }];
    for (const bad of bads) {
      const r = await api("vshop", "createOrder", signedCreate({ price: "4.00", ...bad }));
      expect(r.body).toMatchObject({ code: -1 });
    }
  });

  it("isHtml=1 sends the payer to the cashier page", async () => {
    const r = await api("vshop", "createOrder", signedCreate({ price: "2.00", isHtml: "1" }));
    expect(r.status).toBe(302);
    expect(r.location).toMatch(new RegExp(`^${paydesk.url}/pay/[A-Za-z0-9]+$`));
  });

  it("is idempotent per payId; the same payId with other fields is refused", async () => {
    const params = signedCreate({ price: "3.00", type: "2" });
    const first = await api("vshop", "createOrder", params);
    const again = await api("vshop", "createOrder", params);
    expect((again.body?.data as Record<string, unknown>).orderId).toBe(
      (first.body?.data as Record<string, unknown>).orderId,
    );
    const other = await api("vshop", "createOrder", signedCreate({ payId: params.payId, price: "3.01", type: "2" }));
    expect(other.body).toMatchObject({ code: -1, msg: "商户订单号已存在" });
  });

  it.each([
    ["a bad sign", { price: "1.00", sign: "0".repeat(32) }, "签名校验不通过"],
    ["type 3", { price: "1.00", type: "3" }, "支付方式错误"],
    ["a bad price", { price: "1.001" }, "订单金额错误"],
    ["an ftp notifyUrl", { price: "1.00", notifyUrl: "ftp://shop.example/n" }, "notifyUrl 只支持 http 或 https 地址"],
  ])("refuses %s with code -1", async (_, p, msg) => {
    const params = signedCreate(p);
    const r = await api("vshop", "createOrder", { ...params, ...("sign" in p ? { sign: p.sign } : {}) });
    expect(r.body).toMatchObject({ code: -1 });
    expect(r.body?.msg).toContain(msg);
  });

  it("refuses unknown merchants, merchants without a vmq block, and unknown actions", async () => {
    expect((await api("nobody", "createOrder", signedCreate({ price: "1.00" }))).body).toMatchObject({
      code: -1,
      msg: "商户不存在或未开通 V免签 接口",
    });
    expect((await api("plain", "createOrder", signedCreate({ price: "1.00" }))).body).toMatchObject({ code: -1 });
    expect((await api("vshop", "deleteEverything", {})).body).toMatchObject({ code: -1, msg: "未知接口" });
  });

  it("a paid order notifies the request's notifyUrl by GET with the V免签 signature; checkOrder then gives the signed return URL", async () => {
    const created = await api(
      "vshop",
      "createOrder",
      signedCreate({
        price: "12.50",
        param: "a&b=c",
        notifyUrl: `${shop.server.url}/per-request`,
        returnUrl: "https://shop.example/back#/done",
      }),
    );
    const orderId = String((created.body?.data as Record<string, unknown>).orderId);
    expect((await api("vshop", "checkOrder", { orderId })).body).toMatchObject({ code: -1, msg: "订单未支付" });
    await app.push("wxpay", 1250);
    await dispatch();
    const got = shop.received.filter((r) => r.path === "/per-request");
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      verified: true,
      query: { param: "a&b=c", type: "1", price: "12.50", reallyPrice: "12.50" },
    });
    expect((await ctx.repos.notifications.findNotificationByOrder(orderId))?.status).toBe("delivered");
    const check = await api("vshop", "checkOrder", { orderId });
    expect(check.body?.code).toBe(1);
    const back = new URL(String(check.body?.data));
    expect(back.origin + back.pathname).toBe("https://shop.example/back");
    expect(back.hash).toBe("#/done");
    const q = Object.fromEntries(back.searchParams);
    expect(q.sign).toBe(md5(`${q.payId}${q.param}${q.type}${q.price}${q.reallyPrice}${SHOP_KEY}`));
    expect((await api("vshop", "getOrder", { orderId })).body).toMatchObject({ code: 1, data: { state: 1 } });
  });

  it("without a notifyUrl the merchant's configured notify_url gets the V免签 GET", async () => {
    const created = await api("vshop", "createOrder", signedCreate({ price: "13.00", type: "2" }));
    const data = created.body?.data as Record<string, unknown>;
    await app.push("alipay", 1300);
    await dispatch();
    const got = shop.received.filter((r) => r.path === "/configured-notify" && r.query.payId === data.payId);
    expect(got).toMatchObject([{ verified: true, query: { type: "2", reallyPrice: "13.00" } }]);
  });

  it("a per-request notifyUrl to a private address the operator did not allow is refused at create (issue 17)", async () => {
    const payId = `${dialect}-sneaky`;
    const r = await api("strict", "createOrder", {
      ...signedCreate({ payId, price: "14.00" }),
      notifyUrl: `${shop.server.url}/sneaky`,
    });
    expect(r.body).toMatchObject({ code: -1 });
    expect(r.body?.msg).toContain("notifyUrl 指向本机或内网地址");
    expect(await ctx.repos.orders.findOrderByMerchantRef("strict", payId)).toBeUndefined();
    // The same URL is fine for the merchant whose operator listed that host.
    const ok = await api("vshop", "createOrder", {
      ...signedCreate({ payId, price: "14.00" }),
      notifyUrl: `${shop.server.url}/listed`,
    });
    expect(ok.body).toMatchObject({ code: 1 });
  });

  it("one sign, one order: the digits moved from price into type and param (15.00 → 5.00) are refused (issue 17)", async () => {
    const payId = `${dialect}-shift`;
    const genuine = signedCreate({ payId, param: "u", type: "2", price: "15.00" });
    // payId + param + type + price: "u" + "2" + "15.00" reads as "u2" + "1" + "5.00" under the same sign.
    const shifted = { ...genuine, param: "u2", type: "1", price: "5.00" };
    expect(md5(shifted.payId + shifted.param + shifted.type + shifted.price + SHOP_KEY)).toBe(genuine.sign);
    expect((await api("vshop", "createOrder", genuine)).body).toMatchObject({ code: 1, data: { price: "15.00" } });
    // With the same payId the payId alone refuses it; with the payId changed too, the sign still covers the same
    // string, and only one sign, one order refuses it.
    expect((await api("vshop", "createOrder", shifted)).body).toMatchObject({ code: -1, msg: "商户订单号已存在" });
    const elsewhere = { ...genuine, payId: `${payId}u`, param: "2", type: "1", price: "5.00" };
    expect(md5(elsewhere.payId + elsewhere.param + elsewhere.type + elsewhere.price + SHOP_KEY)).toBe(genuine.sign);
    expect((await api("vshop", "createOrder", elsewhere)).body).toMatchObject({ code: -1, msg: "签名校验不通过" });
    expect(await ctx.repos.orders.findOrderByMerchantRef("vshop", elsewhere.payId)).toBeUndefined();
    // The shop's own retry still answers its order.
    expect((await api("vshop", "createOrder", genuine)).body).toMatchObject({ code: 1, data: { price: "15.00" } });
  });

  it("the signed return URL of a paid order, re-read as createOrder fields, makes no order (issue 17)", async () => {
    const created = await api("vshop", "createOrder", signedCreate({ price: "21.00" }));
    const orderId = String((created.body?.data as Record<string, unknown>).orderId);
    await app.push("wxpay", 2100);
    const back = new URL(String((await api("vshop", "checkOrder", { orderId })).body?.data)).searchParams;
    const q = Object.fromEntries(back);
    // payId + param + type + price + reallyPrice = payId + "1" + "21.00" + "21.00": a create of 1.00 by Alipay.
    const whole = `${q.payId}${q.param}${q.type}${q.price}${q.reallyPrice}`;
    const forged = { payId: whole.slice(0, -5), param: "", type: whole.slice(-5, -4), price: whole.slice(-4) };
    expect(forged).toMatchObject({ type: "2", price: "1.00" });
    expect(md5(forged.payId + forged.param + forged.type + forged.price + SHOP_KEY)).toBe(q.sign);
    const r = await api("vshop", "createOrder", { ...forged, sign: q.sign! });
    expect(r.body).toMatchObject({ code: -1, msg: "签名校验不通过" });
    expect(await ctx.repos.orders.findOrderByMerchantRef("vshop", forged.payId)).toBeUndefined();
  });

  it("closeOrder and getState refuse a signature Paydesk issued (issue 17)", async () => {
    const created = await api("vshop", "createOrder", signedCreate({ price: "22.00" }));
    const orderId = String((created.body?.data as Record<string, unknown>).orderId);
    const t = String(ctx.clock.now());
    const close = md5(orderId + SHOP_KEY);
    const state = md5(t + SHOP_KEY);
    await ctx.repos.signatures.recordIssuedSignatures({
      appkey: "vshop",
      orderId: "X",
      signs: [close, state],
      now: ctx.clock.now(),
    });
    expect((await api("vshop", "closeOrder", { orderId, sign: close })).body).toMatchObject({
      code: -1,
      msg: "签名校验不通过",
    });
    expect((await api("vshop", "getState", { t, sign: state })).body).toMatchObject({
      code: -1,
      msg: "签名校验不通过",
    });
    expect((await api("vshop", "getOrder", { orderId })).body).toMatchObject({ data: { state: 0 } });
  });

  it("closeOrder needs md5(orderId + key), closes, and keeps the amount held", async () => {
    const created = await api("vshop", "createOrder", signedCreate({ price: "15.00" }));
    const orderId = String((created.body?.data as Record<string, unknown>).orderId);
    expect((await api("vshop", "closeOrder", { orderId, sign: md5(orderId + "wrong") })).body).toMatchObject({
      code: -1,
      msg: "签名校验不通过",
    });
    const heard: string[] = [];
    const unsubscribe = ctx.events.subscribe((e) => heard.push(`${e.type}:${"orderId" in e ? e.orderId : ""}`));
    expect((await api("vshop", "closeOrder", { orderId, sign: md5(orderId + SHOP_KEY) })).body).toMatchObject({
      code: 1,
    });
    unsubscribe();
    // The payer's held poll and cached view hear of it at once.
    expect(heard).toEqual([`order.closed:${orderId}`]);
    expect((await api("vshop", "getOrder", { orderId })).body).toMatchObject({ data: { state: -1 } });
    expect((await api("vshop", "checkOrder", { orderId })).body).toMatchObject({ code: -1, msg: "订单已关闭" });
    // Held through the order's grace (issue 17): a late push for 15.00 is the closed order's, not the next one's.
    const next = await api("vshop", "createOrder", signedCreate({ price: "15.00" }));
    expect(next.body).toMatchObject({ data: { reallyPrice: 15.01 } });
  });

  it("getOrder shows only this merchant's own V免签 orders", async () => {
    const created = await api("vshop", "createOrder", signedCreate({ price: "16.00" }));
    const orderId = String((created.body?.data as Record<string, unknown>).orderId);
    expect((await api("strict", "getOrder", { orderId })).body).toMatchObject({ code: -1, msg: "订单不存在" });
  });

  it("getState reports the monitor; an offline monitor refuses new orders as vmqphp does", async () => {
    const t = String(ctx.clock.now());
    const online = await api("vshop", "getState", { t, sign: md5(t + SHOP_KEY) });
    expect(online.body).toMatchObject({
      code: 1,
      data: { jkstate: "1", lastheart: String(Math.floor(ctx.clock.now() / 1000)) },
    });
    expect((await api("vshop", "getState", { t, sign: md5(t) })).body).toMatchObject({ code: -1 });
    ctx.clock.advance(61_000);
    expect((await api("vshop", "getState", { t, sign: md5(t + SHOP_KEY) })).body).toMatchObject({
      data: { jkstate: "0" },
    });
    expect((await api("vshop", "createOrder", signedCreate({ price: "17.00" }))).body).toMatchObject({
      code: -1,
      msg: "监控端状态异常，请检查监控端是否在线",
    });
  });

  it("works for a sandbox-only merchant with a vmq block (no monitor needed)", async () => {
    ctx.clock.advance(120_000);
    const created = await api("sbx", "createOrder", signedCreate({ price: "1.00", type: "2" }));
    expect(created.body).toMatchObject({ code: 1, data: { reallyPrice: 1, isAuto: 1, state: 0 } });
    const t = String(ctx.clock.now());
    expect((await api("sbx", "getState", { t, sign: md5(t + SHOP_KEY) })).body).toMatchObject({
      data: { jkstate: "1" },
    });
  });
});
