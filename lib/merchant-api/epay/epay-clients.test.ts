import { dispatchOnce } from "@/test/support/dispatch-once";
import pino from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { loadCashierModel } from "@/lib/cashier/page-model";
import { dispatchDue } from "@/lib/merchant-notify/dispatcher";
import { notificationUrlPolicy } from "@/lib/merchant-notify/notification-url-policy";
import { md5 } from "@/lib/crypto/digest";
import { chooseType } from "@/lib/orders/choose-type";
import { publicOrderView } from "@/lib/orders/order-views";
import { clientVerifies, EPAY_MERCHANT, EpayShop, sameMoney, signedRequest } from "@/test/support/epay-client";
import { usePaydeskServer } from "@/test/support/paydesk-server";
import { testConfigFile } from "@/test/support/test-context";

/**
 * The epay protocol as the shop software in the field speaks it (docs/protocols/epay.md), over real HTTP against
 * Paydesk's handlers: each `describe` is one client family's behaviour, with the client written from the protocol
 * facts.
 */
describe("epay clients against Paydesk", () => {
  const shop = new EpayShop("dujiaoka");
  let seq = 0;
  const nextNo = () => `E${Date.now()}${++seq}`;

  const { db, ctx, paydesk } = usePaydeskServer(shop, () => {
    const file = testConfigFile({
      channels: [
        { id: "sandbox", provider: "sandbox", key: "sandbox", types: ["alipay", "wxpay", "qqpay"] },
        {
          id: "sbx-codes",
          provider: "sandbox",
          key: "sandbox",
          types: ["alipay", "wxpay"],
          payload_template: { alipay: "https://qr.alipay.com/fkx{order_id}", wxpay: "wxp://f2f0{order_id}" },
        },
        { id: "small-qq", provider: "sandbox", key: "sandbox", types: ["qqpay"], rules: { max_price: "5.00" } },
      ],
    });
    file.merchants[0]!.epay = { pid: EPAY_MERCHANT.pid, key: EPAY_MERCHANT.key, allowed_hosts: ["127.0.0.1"] };
    file.merchants.push(
      {
        ...file.merchants[0]!,
        appkey: "codes",
        name: "码店",
        epay: { pid: "1001", key: EPAY_MERCHANT.key, allowed_hosts: ["127.0.0.1"] },
        channels: ["sbx-codes", "small-qq"],
      },
      {
        ...file.merchants[0]!,
        appkey: "strict",
        name: "严格店",
        notify_url: "https://shop.example/n",
        epay: { pid: "1002", key: EPAY_MERCHANT.key, allowed_hosts: [] },
      },
      { ...file.merchants[0]!, appkey: "noepay", name: "无易支付", epay: undefined },
    );
    return file;
  });
  beforeEach(() => {
    shop.answer = "success";
  });

  const fields = (over: Record<string, string> = {}) => ({
    type: "alipay",
    out_trade_no: nextNo(),
    notify_url: `${shop.url}/pay/yipay/notify_url`,
    return_url: `${shop.url}/pay/yipay/return_url`,
    name: "月付套餐",
    money: "10.00",
    ...over,
  });
  const submitPost = (params: Record<string, string>) =>
    fetch(`${paydesk.url}/submit.php`, { method: "POST", body: new URLSearchParams(params), redirect: "manual" });
  const submitGet = (params: Record<string, string>) =>
    fetch(`${paydesk.url}/submit.php?${new URLSearchParams(params)}`, { redirect: "manual" });
  const mapi = async (params: Record<string, string>) =>
    (await (
      await fetch(`${paydesk.url}/mapi.php`, { method: "POST", body: new URLSearchParams(params) })
    ).json()) as Record<string, unknown>;
  const api = async (params: Record<string, string>) =>
    (await (await fetch(`${paydesk.url}/api.php?${new URLSearchParams(params)}`)).json()) as Record<string, unknown>;
  const orderIdFrom = (res: Response) => {
    expect(res.status).toBe(302);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(new RegExp(`^${paydesk.url}/pay/[A-Za-z0-9]{24}$`));
    return location.split("/").at(-1)!;
  };
  /** The provider pays the order (sandbox notify), then the dispatcher runs once. */
  const payAndDispatch = async (orderId: string) => {
    const order = (await ctx.repos.orders.findOrderById(orderId))!;
    const f = { order_id: orderId, amount: String(order.pay_amount_fen), trade_no: `T-${orderId}` };
    const ack = await fetch(`${paydesk.url}/api/notify/${order.channel_id}`, {
      method: "POST",
      body: new URLSearchParams({ ...f, sign: md5(f.order_id + f.amount + f.trade_no + "sandbox") }),
    });
    expect(await ack.text()).toBe("success");
    return dispatchOnce(ctx);
  };
  const shopHitsFor = (tradeNo: string) => shop.hits.filter((h) => h.query.trade_no === tradeNo);

  describe("official SDK: POST form to submit.php, mapi.php, act=order, notify verified from the query string", () => {
    it("page payment: the form POST lands on the cashier, which shows the product name", async () => {
      const id = orderIdFrom(await submitPost(signedRequest("sdk", fields({ param: "" }))));
      const model = (await loadCashierModel(ctx, id, { userAgent: null }))!;
      expect(model).toMatchObject({ kind: "pay", productName: "月付套餐", type: "alipay" });
      expect(model.view).toMatchObject({ status: "pending", price: "10.00" });
    });

    it("API payment, query, notify and return, end to end", async () => {
      const req = fields({ param: "uid=42", sitename: "My Shop" });
      const answer = await mapi(signedRequest("sdk", req));
      expect(answer).toMatchObject({ code: 1, payurl: `${paydesk.url}/pay/${String(answer.trade_no)}` });
      expect(typeof answer.qrcode).toBe("string");
      const tradeNo = String(answer.trade_no);

      const before = await api({
        act: "order",
        pid: EPAY_MERCHANT.pid,
        key: EPAY_MERCHANT.key,
        out_trade_no: req.out_trade_no,
      });
      expect(before).toMatchObject({
        code: 1,
        trade_no: tradeNo,
        out_trade_no: req.out_trade_no,
        status: 0,
        money: "10.00",
        name: "月付套餐",
        param: "uid=42",
        type: "alipay",
        pid: "1000",
      });
      expect(before.addtime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

      expect(await payAndDispatch(tradeNo)).toBe(1);
      const [hit] = shopHitsFor(tradeNo);
      expect(hit).toMatchObject({ method: "GET", verified: true });
      expect(clientVerifies("sdk", hit!.url)).toBe(true);
      expect(hit!.url.startsWith(`${shop.url}/pay/yipay/notify_url?`)).toBe(true);
      expect(hit!.query).toEqual({
        pid: "1000",
        trade_no: tradeNo,
        out_trade_no: req.out_trade_no,
        type: "alipay",
        name: "月付套餐",
        money: "10.00",
        trade_status: "TRADE_SUCCESS",
        param: "uid=42",
        sign: hit!.query.sign,
        sign_type: "MD5",
      });
      expect(await ctx.repos.notifications.findNotificationByOrder(tradeNo)).toMatchObject({
        status: "delivered",
        method: "GET",
        body: "",
      });

      const after = await api({ act: "order", pid: EPAY_MERCHANT.pid, key: EPAY_MERCHANT.key, trade_no: tradeNo });
      expect(after).toMatchObject({ code: 1, status: 1 });
      expect(after.endtime).toMatch(/^\d{4}-/);

      const view = (await publicOrderView(ctx, tradeNo))!;
      expect(view.return_url).toBeDefined();
      expect(view.return_url!.startsWith(`${shop.url}/pay/yipay/return_url?`)).toBe(true);
      expect(clientVerifies("sdk", view.return_url!)).toBe(true);
      expect(new URL(view.return_url!).searchParams.get("trade_no")).toBe(tradeNo);
    });

    it("act=query answers the merchant's basic info; act=refund refused over GET", async () => {
      expect(await api({ act: "query", pid: "1000", key: EPAY_MERCHANT.key })).toMatchObject({
        code: 1,
        pid: "1000",
        active: 1,
        name: "Test Shop",
      });
      const refund = await api({ act: "refund", pid: "1000", key: EPAY_MERCHANT.key, trade_no: "x", money: "1" });
      // The real server takes refunds by POST only (docs/protocols/epay.md#refund); the POST paths are in epay-api.test.ts.
      expect(refund).toEqual({ code: -1, msg: "退款请使用 POST 请求" });
      expect(await api({ act: "order", pid: "1000", key: "wrong".repeat(7), trade_no: "x" })).toEqual({
        code: -1,
        msg: "商户ID或密钥错误",
      });
      expect(await api({ act: "order", pid: "1000", key: EPAY_MERCHANT.key, trade_no: "NOSUCHORDER" })).toEqual({
        code: -1,
        msg: "订单不存在",
      });
    });

    it("another merchant's order is not found", async () => {
      const answer = await mapi(signedRequest("sdk", fields(), { pid: "1001", key: EPAY_MERCHANT.key }));
      expect(answer.code).toBe(1);
      expect(
        await api({ act: "order", pid: "1000", key: EPAY_MERCHANT.key, trade_no: String(answer.trade_no) }),
      ).toMatchObject({ code: -1 });
    });
  });

  describe("v2board / Xboard: a GET link without type, money like 10, empty fields signed, return URL with a #fragment", () => {
    it("the payer chooses the wallet on the cashier, pays, and returns with the query before the fragment", async () => {
      const req = {
        out_trade_no: nextNo(),
        notify_url: `${shop.url}/api/v1/guest/payment/notify/EPay/abc`,
        return_url: `${shop.url}/#/order/2026112212345`,
        name: "Xboard 订阅",
        money: "10",
        param: "",
      };
      const id = orderIdFrom(await submitGet(signedRequest("v2board", req)));
      const chooser = (await loadCashierModel(ctx, id, {
        userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
      }))!;
      expect(chooser).toMatchObject({
        kind: "choose",
        types: ["alipay", "wxpay", "qqpay"],
        generating: false,
        layout: "h5",
        productName: "Xboard 订阅",
      });
      expect(chooser.view.type).toBeNull();

      // The same link again (a reload, a retry) is the same order, still without a wallet.
      expect(orderIdFrom(await submitGet(signedRequest("v2board", req)))).toBe(id);
      expect(await chooseType(ctx, id, "bank")).toEqual({ outcome: "error", message: "无效的支付方式" });
      expect(await chooseType(ctx, id, "wxpay")).toEqual({ outcome: "chosen" });
      expect(await chooseType(ctx, id, "alipay")).toEqual({ outcome: "unchanged" });
      const model = (await loadCashierModel(ctx, id, { userAgent: null }))!;
      expect(model).toMatchObject({ kind: "pay", type: "wxpay" });
      expect(model.kind === "pay" && model.payload).toMatch(/./);
      expect(orderIdFrom(await submitGet(signedRequest("v2board", req)))).toBe(id);

      expect(await payAndDispatch(id)).toBe(1);
      const [hit] = shopHitsFor(id);
      expect(clientVerifies("v2board", hit!.url)).toBe(true);
      expect(hit!.query).toMatchObject({ money: "10.00", type: "wxpay" });
      expect("param" in hit!.query).toBe(false);
      expect(Object.values(hit!.query).every((v) => v !== "")).toBe(true);

      const returnUrl = (await publicOrderView(ctx, id))!.return_url!;
      expect(returnUrl).toMatch(new RegExp(`^${shop.url}/\\?[^#]+#/order/2026112212345$`));
      expect(clientVerifies("v2board", returnUrl.split("#")[0]!)).toBe(true);
    });

    it("mapi.php without type answers the cashier page only", async () => {
      const answer = await mapi(signedRequest("v2board", { ...fields(), type: "" }));
      expect(answer.code).toBe(1);
      expect(answer.payurl).toBe(`${paydesk.url}/pay/${String(answer.trade_no)}`);
      expect(answer).not.toHaveProperty("qrcode");
    });

    it("the chooser offers only the wallets the merchant can take now (rules, channels)", async () => {
      const small = orderIdFrom(
        await submitGet(
          signedRequest("v2board", { ...fields({ money: "3" }), type: "" }, { pid: "1001", key: EPAY_MERCHANT.key }),
        ),
      );
      const big = orderIdFrom(
        await submitGet(
          signedRequest("v2board", { ...fields({ money: "30" }), type: "" }, { pid: "1001", key: EPAY_MERCHANT.key }),
        ),
      );
      expect(await loadCashierModel(ctx, small, { userAgent: null })).toMatchObject({
        kind: "choose",
        types: ["alipay", "wxpay", "qqpay"],
      });
      expect(await loadCashierModel(ctx, big, { userAgent: null })).toMatchObject({
        kind: "choose",
        types: ["alipay", "wxpay"],
      });
      expect(await chooseType(ctx, big, "qqpay")).toMatchObject({ outcome: "error" });
    });
  });

  describe("dujiaoka: GET-only notify route, amount compared with its own order", () => {
    it("receives exactly one GET whose money equals what it asked for, retried until it answers success", async () => {
      const req = fields({ money: "9.9", type: "qqpay" });
      const id = orderIdFrom(await submitGet(signedRequest("dujiaoka", req)));
      shop.answer = "fail";
      expect(await payAndDispatch(id)).toBe(1);
      const n = (await ctx.repos.notifications.findNotificationByOrder(id))!;
      expect(n).toMatchObject({ status: "pending", attempts: 1 });
      expect((await ctx.repos.notifications.listAttempts(n.id))[0]).toMatchObject({
        outcome: "retry",
        http_status: 200,
        response_body: "fail",
      });
      expect((await publicOrderView(ctx, id))!.return_url).toBeUndefined();

      shop.answer = "success";
      ctx.clock.advance(15_000);
      expect(
        await dispatchDue(ctx.repos.notifications, {
          owner: "t",
          now: ctx.now,
          urlPolicy: (x) => notificationUrlPolicy(ctx, x),
          timeoutMs: 2000,
          log: pino({ level: "silent" }),
        }),
      ).toBe(1);
      const hits = shopHitsFor(id);
      expect(hits.map((h) => h.method)).toEqual(["GET", "GET"]);
      expect(hits.every((h) => h.verified)).toBe(true);
      expect(sameMoney(hits[1]!.query.money!, req.money)).toBe(true);
      expect((await ctx.repos.notifications.findNotificationByOrder(id))!.status).toBe("delivered");
    });
  });

  describe("SSPanel: mapi.php with clientip, checks code === 1", () => {
    it("gets the integer 1 and a wallet link for an Alipay code", async () => {
      const answer = await mapi(
        signedRequest("sspanel", fields({ clientip: "203.0.113.9", param: "" }), {
          pid: "1001",
          key: EPAY_MERCHANT.key,
        }),
      );
      expect(answer.code === 1).toBe(true);
      expect(String(answer.qrcode)).toMatch(/^https:\/\/qr\.alipay\.com\//);
      expect(String(answer.urlscheme)).toMatch(
        /^alipays:\/\/platformapi\/startapp\?saId=10000007&qrcode=https%3A%2F%2Fqr\.alipay\.com/,
      );
    });

    it("gets the integer -1 and a message on a bad signature", async () => {
      const answer = await mapi({ ...signedRequest("sspanel", fields()), sign: "0".repeat(32) });
      expect(answer).toEqual({ code: -1, msg: "签名错误" });
    });
  });

  describe("errors and rules every client meets", () => {
    it.each([
      ["unknown type", { type: "bank" }, "不支持的支付方式 bank（可用：alipay、wxpay、qqpay）"],
      ["bad money", { money: "10.001" }, "金额 money 无效：10.001"],
      ["zero money", { money: "0" }, "金额 money 无效：0"],
      [
        "a notify_url that is not http(s)",
        { notify_url: "file:///etc/passwd" },
        "notify_url 只支持 http 或 https 地址",
      ],
      ["a javascript: return_url", { return_url: "javascript:alert(1)" }, "return_url 只支持 http 或 https 地址"],
      ["no out_trade_no", { out_trade_no: "" }, "缺少商户订单号 out_trade_no"],
      ["a NUL in out_trade_no", { out_trade_no: "A\u0000B" }, "商户订单号 out_trade_no 含有控制字符"],
      ["a control character in param", { param: "u=1\u001b[2J" }, "附加参数 param 含有控制字符"],
      ["a newline in name", { name: "VIP\nforged line" }, "商品名称 name 含有控制字符"],
    ])("submit.php with %s → a Chinese error page", async (_name, over, message) => {
      const res = await submitGet(signedRequest("sdk", fields(over)));
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("text/html");
      const html = await res.text();
      expect(html).toContain('lang="zh-CN"');
      expect(html).toContain(message);
      expect(html).not.toMatch(/at \w+ \(|Error:/);
    });

    it.each([
      ["an unknown pid", (p: Record<string, string>) => ({ ...p, pid: "9999" }), "商户不存在"],
      ["a merchant without epay", (p: Record<string, string>) => ({ ...p, pid: "" }), "缺少商户ID（pid）"],
      [
        "sign_type RSA",
        (p: Record<string, string>) => ({ ...p, sign_type: "RSA" }),
        "不支持的签名类型 RSA，只支持 MD5",
      ],
      ["no sign", (p: Record<string, string>) => ({ ...p, sign: "" }), "缺少签名（sign）"],
    ])("mapi.php with %s → code -1", async (_name, edit, msg) => {
      expect(await mapi(edit(signedRequest("sdk", fields())))).toEqual({ code: -1, msg });
    });

    it("is idempotent per merchant + out_trade_no: the same request is the same order, a different one is refused", async () => {
      const req = fields({ money: "10" });
      const a = await mapi(signedRequest("sdk", req));
      const b = await mapi(signedRequest("sspanel", req));
      expect(b.trade_no).toBe(a.trade_no);
      expect(await mapi(signedRequest("sdk", { ...req, money: "10.00" }))).toEqual({
        code: -1,
        msg: "未知错误: 商户订单号已存在",
      });
      expect(await mapi(signedRequest("sdk", { ...req, return_url: `${shop.url}/other` }))).toMatchObject({ code: -1 });
    });

    it.each([
      "http://127.0.0.1:8080/n",
      "http://localhost/n",
      "http://[::1]/n",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.8/n",
    ])("refuses a notify_url at a private literal address (%s) when the order is made", async (notifyUrl) => {
      expect(
        await mapi(signedRequest("sdk", fields({ notify_url: notifyUrl }), { pid: "1002", key: EPAY_MERCHANT.key })),
      ).toEqual({
        code: -1,
        msg: "notify_url 指向本机或内网地址；如确需使用，请在商户配置的 epay.allowed_hosts 中列出该主机",
      });
    });

    describe("a signature covers one split of its string (issue 17)", () => {
      // The signed string joins k=v with "&" and no escaping: a genuine request's signature also verifies for the
      // same string split differently. Each forgery below made an order before the fix.
      const forge = (genuine: Record<string, string>, edit: (p: Record<string, string>) => void) => {
        const signed = signedRequest("sdk", genuine);
        const forged = { ...signed };
        edit(forged);
        return forged;
      };

      it("type folded into return_url is refused: the order would lose its wallet", async () => {
        const genuine = fields();
        const forged = forge(genuine, (p) => {
          p.return_url = `${genuine.return_url}&type=${genuine.type}`;
          delete p.type;
        });
        expect(await mapi(forged)).toEqual({
          code: -1,
          msg: "签名错误：return_url 的值含有“&type=”，与签名串的分隔冲突",
        });
        const page = await submitGet(forged);
        expect(page.status).toBe(400);
        expect(await page.text()).toContain("签名错误");
      });

      it("param folded into out_trade_no is refused: it would be a second order under one signature", async () => {
        const genuine = fields({ param: "uid=42" });
        const first = await mapi(signedRequest("sdk", genuine));
        expect(first.code).toBe(1);
        const forged = forge(genuine, (p) => {
          p.out_trade_no = `${genuine.out_trade_no}&param=uid=42`;
          delete p.param;
        });
        expect(await mapi(forged)).toMatchObject({ code: -1, msg: expect.stringContaining("“&param=”") });
        const other = await ctx.repos.orders.findOrderByMerchantRef("k1", forged.out_trade_no!);
        expect(other).toBeUndefined();
      });

      it("a field name carrying & or = is refused", async () => {
        const genuine = fields();
        const forged = forge(genuine, (p) => {
          delete p.return_url;
          delete p.type;
          p[`return_url=${genuine.return_url}&type`] = genuine.type;
        });
        expect(await mapi(forged)).toMatchObject({ code: -1, msg: expect.stringContaining("签名错误") });
      });

      it("queries in URLs that cannot re-split the string still work", async () => {
        const ok = fields({
          return_url: `${shop.url}/r?a=1&b=2&type=alipay`,
          notify_url: `${shop.url}/pay/yipay/notify_url?x=1&from=epay`,
        });
        expect(await mapi(signedRequest("sdk", ok))).toMatchObject({ code: 1 });
        // Without a type of its own, a return_url ending in &type=… is exactly a folded type: refused.
        const folded = { ...ok, out_trade_no: nextNo(), type: "" };
        expect(await mapi(signedRequest("v2board", folded))).toMatchObject({
          code: -1,
          msg: expect.stringContaining("“&type=”"),
        });
      });

      it("a signature Paydesk issued (a notify's, a return URL's) is refused as a request", async () => {
        const req = signedRequest("sdk", fields());
        await ctx.repos.signatures.recordIssuedSignatures({
          appkey: "k1",
          orderId: "X",
          signs: [req.sign!],
          now: ctx.now(),
        });
        expect(await mapi(req)).toEqual({ code: -1, msg: "签名错误" });
      });
    });

    it("refuses at send time what only resolves to a private address, and logs why on the attempt", async () => {
      // Names are not resolved when the order is made, so a public-looking URL passes then; what counts is where the
      // dispatcher connects. The stored URL is pointed at the test shop (127.0.0.1, not listed for merchant 1002) to
      // stand for a name that now resolves there.
      const answer = await mapi(
        signedRequest("sdk", fields({ notify_url: "https://shop.example/n" }), { pid: "1002", key: EPAY_MERCHANT.key }),
      );
      const id = String(answer.trade_no);
      await db.db
        .updateTable("orders")
        .set({ notify_url: `${shop.url}/pay/yipay/notify_url` })
        .where("id", "=", id)
        .execute();
      const before = shop.hits.length;
      expect(await payAndDispatch(id)).toBe(1);
      expect(shop.hits.length).toBe(before);
      const n = (await ctx.repos.notifications.findNotificationByOrder(id))!;
      expect((await ctx.repos.notifications.listAttempts(n.id))[0]).toMatchObject({
        outcome: "retry",
        http_status: null,
        error: "refused: address 127.0.0.1",
      });
    });
  });
});
