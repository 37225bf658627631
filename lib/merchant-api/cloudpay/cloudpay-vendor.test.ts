import { dispatchOnce } from "@/test/support/dispatch-once";
import { describe, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config/schema";
import { md5 } from "@/lib/crypto/digest";
import { FakeShop } from "@/test/support/fake-shop";
import { signedCreateParams, signedLookupParams } from "@/test/support/merchant-client";
import { usePaydeskServer } from "@/test/support/paydesk-server";
import { TEST_MERCHANT, testConfigFile } from "@/test/support/test-context";

/**
 * The 云端 vendor's own clients (docs/protocols/cloudpay.md#vendor-clients): `appkey` in the notify, `GET
 * /api/order/check`.
 */
describe("云端 vendor client details", () => {
  const shop = new FakeShop();
  const { ctx, paydesk } = usePaydeskServer(shop, () => {
    const file = testConfigFile();
    file.merchants[0]!.notify_url = shop.notifyUrl;
    return file;
  });

  const check = async (params: Record<string, string>) =>
    (await (await fetch(`${paydesk.url}/api/order/check?${new URLSearchParams(params)}`)).json()) as {
      code: number;
      msg: string;
      data?: { order_status: string; out_order_id: string };
    };

  it("the notify carries appkey (outside the sign), which the vendor's receivers read to verify", async () => {
    const res = await fetch(`${paydesk.url}/api/cloudpay/create`, {
      method: "POST",
      body: new URLSearchParams(signedCreateParams({ price: "1.50", type: "wxpay", out_order_id: "v-1" })),
    });
    const { data } = (await res.json()) as { data: { order_id: string } };
    expect((await check(signedLookupParams("v-1"))).data).toMatchObject({
      order_status: "pending",
      out_order_id: "v-1",
    });

    const f = { order_id: data.order_id, amount: "150", trade_no: "T-v1" };
    await fetch(`${paydesk.url}/api/notify/sandbox`, {
      method: "POST",
      body: new URLSearchParams({ ...f, sign: md5(f.order_id + f.amount + f.trade_no + "sandbox") }),
    });
    await dispatchOnce(ctx);
    const [got] = shop.verifiedFor(data.order_id);
    expect(got!.fields.appkey).toBe(TEST_MERCHANT.appkey);

    // A receiver that takes appkey from the request, as the vendor's published ones do.
    const r = got!.fields;
    const inner = md5(
      r.appkey! + r.order_id! + r.out_order_id! + r.price! + r.realprice! + r.type! + r.paytime! + r.extend!,
    );
    expect(md5(inner + TEST_MERCHANT.appsecret)).toBe(r.sign);

    expect((await check(signedLookupParams("v-1"))).data!.order_status).toBe("paid");
  });

  it("GET /api/order/check refuses a bad signature and an unknown order like the merchant query", async () => {
    expect(await check({ ...signedLookupParams("v-1"), sign: "0".repeat(32) })).toMatchObject({ code: 104 });
    expect(await check(signedLookupParams("nope"))).toMatchObject({ code: 199, msg: "未知错误: 订单不存在" });
  });
});

describe("epay merchant config", () => {
  const base = testConfigFile();
  const withEpay = (epay: unknown, more: unknown[] = []) =>
    configFileSchema.safeParse({ ...base, merchants: [{ ...base.merchants[0], epay }, ...more] });

  it("accepts digits for pid, a key of 32+ characters, optional allowed hosts", () => {
    const parsed = withEpay({ pid: "1000", key: "k".repeat(32) });
    expect(parsed.success && parsed.data.merchants[0]!.epay).toEqual({
      pid: "1000",
      key: "k".repeat(32),
      allowed_hosts: [],
    });
  });

  it.each([
    [{ pid: "abc", key: "k".repeat(32) }, "merchants.0.epay.pid"],
    [{ pid: "1000", key: "short" }, "merchants.0.epay.key"],
    [{ pid: "1000", key: "k".repeat(32), extra: 1 }, "merchants.0.epay"],
  ])("refuses %j naming %s", (epay, path) => {
    const parsed = withEpay(epay);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("refuses the same pid on two merchants", () => {
    const epay = { pid: "1000", key: "k".repeat(32) };
    const parsed = withEpay(epay, [{ ...base.merchants[0], appkey: "k2", epay }]);
    expect(parsed.error!.issues.map((i) => i.message)).toContain('duplicate epay pid "1000"');
  });
});
