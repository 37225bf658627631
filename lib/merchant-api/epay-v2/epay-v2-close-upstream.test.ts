import { expect, it } from "vitest";
import { epayV2ApiHandler } from "@/lib/http/epay-v2-handler";
import { describeOnDatabases } from "@/test/support/databases";
import { signedV2Request, setUpEpayV2Keys } from "@/test/support/epay-v2-keys";
import { useOfficialPaydesk } from "@/test/support/official-channels";
import { testConfigFile } from "@/test/support/test-context";
import type { EpayV2Action } from "./epay-v2-api";

/**
 * V2's `pay/close` of a pending order on an official channel closes the trade upstream first, as 云端's close does
 * (lib/orders/close-on-expiry.ts closeMerchantOrder): against the Alipay 当面付 and WeChat Pay v3 emulators.
 */

const { shopKeys, shopPublicPem } = setUpEpayV2Keys();
const PID = "4000";

describeOnDatabases("epay V2 pay/close on official channels", (dialect) => {
  const env = useOfficialPaydesk(dialect, {
    timeoutMs: 400,
    file: ({ channels }) =>
      testConfigFile({
        merchants: testConfigFile().merchants.map((m) => ({
          ...m,
          channels: ["ali", "wx"],
          epay_v2: { pid: PID, public_key: shopPublicPem, allowed_hosts: [] },
        })),
        channels,
      }),
  });
  let n = 0;

  async function post(action: EpayV2Action, fields: Record<string, string>): Promise<Record<string, unknown>> {
    env.ctx.clock.advance(1000);
    const res = await epayV2ApiHandler(action, () => Promise.resolve(env.ctx))(
      new Request(`http://paydesk.test/api/${action}`, {
        method: "POST",
        body: new URLSearchParams(
          signedV2Request(fields, env.ctx.now(), { pid: PID, privateKey: shopKeys.privateKey }),
        ),
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
  const status = async (orderId: string) => (await env.ctx.repos.orders.findOrderById(orderId))?.status;

  it("closes a scanned Alipay trade upstream, then the order; a second close asks nothing more", async () => {
    const { orderId, ref } = await create("alipay");
    env.official.ali.scan(orderId);
    expect(await post("pay/close", { out_trade_no: ref })).toMatchObject({ code: 0, msg: "订单关闭成功" });
    expect(env.official.ali.order(orderId).status).toBe("TRADE_CLOSED");
    expect(await status(orderId)).toBe("closed");
    const closes = () =>
      env.official.ali.calls.filter((c) => c.method === "alipay.trade.close" && c.biz.out_trade_no === orderId);
    expect(closes()).toHaveLength(1);
    expect(await post("pay/close", { trade_no: orderId })).toMatchObject({ code: 0 });
    expect(closes()).toHaveLength(1);
  });

  it("a WeChat trade paid before the close is credited and the close refused; a platform down leaves it pending", async () => {
    const paid = await create("wxpay", "3.00");
    env.official.wx.markPaid(paid.orderId);
    expect(await post("pay/close", { out_trade_no: paid.ref })).toEqual({ code: -1, msg: "订单已支付，不能关闭" });
    expect(await env.ctx.repos.orders.findOrderById(paid.orderId)).toMatchObject({ status: "paid", real_fen: 300 });

    const down = await create("wxpay");
    env.official.wx.setFaults({ httpStatus: 500 });
    expect(await post("pay/close", { out_trade_no: down.ref })).toEqual({
      code: -1,
      msg: "支付平台暂时无法关闭该订单，请稍后重试",
    });
    expect(await status(down.orderId)).toBe("pending");
    expect(env.official.wx.order(down.orderId).trade_state).toBe("NOTPAY");
    env.official.wx.setFaults({ httpStatus: null });
    expect(await post("pay/close", { out_trade_no: down.ref })).toMatchObject({ code: 0 });
    expect(env.official.wx.order(down.orderId).trade_state).toBe("CLOSED");
    expect(await status(down.orderId)).toBe("closed");
  });
});
