import { dispatchOnce } from "@/test/support/dispatch-once";
import { describe, expect, it } from "vitest";
import { md5 } from "@/lib/crypto/digest";
import { FakeShop } from "@/test/support/fake-shop";
import { signedCreateParams } from "@/test/support/merchant-client";
import { usePaydeskServer } from "@/test/support/paydesk-server";
import { testConfigFile } from "@/test/support/test-context";

describe("payment loop over HTTP (sandbox)", () => {
  const shop = new FakeShop();
  const { ctx, paydesk } = usePaydeskServer(shop, () => {
    const file = testConfigFile();
    file.merchants[0]!.notify_url = shop.notifyUrl;
    return file;
  });

  it("creates, pays through the notify endpoint, and notifies the shop once", async () => {
    const res = await fetch(`${paydesk.url}/api/cloudpay/create`, {
      method: "POST",
      body: new URLSearchParams(
        signedCreateParams({ price: "12.30", type: "alipay", out_order_id: "loop-1", custom: "u1" }),
      ),
    });
    const created = (await res.json()) as { code: number; data: { order_id: string; pay_url: string } };
    expect(created.code).toBe(100);
    expect(created.data.pay_url).toBe(`${paydesk.url}/pay/${created.data.order_id}`);

    const fields = { order_id: created.data.order_id, amount: "1230", trade_no: "T-1" };
    // sign = md5(order_id + amount + trade_no + key) with the default sandbox key
    const form = new URLSearchParams({
      ...fields,
      sign: md5(fields.order_id + fields.amount + fields.trade_no + "sandbox"),
    });
    const ack = await fetch(`${paydesk.url}/api/notify/sandbox`, { method: "POST", body: form });
    expect(await ack.text()).toBe("success");

    const delivered = await dispatchOnce(ctx);
    expect(delivered).toBe(1);
    const got = shop.verifiedFor(created.data.order_id);
    expect(got).toHaveLength(1);
    expect(got[0]!.fields).toMatchObject({
      out_order_id: "loop-1",
      price: "12.30",
      realprice: "12.30",
      type: "alipay",
      extend: "u1",
    });
  });
});
