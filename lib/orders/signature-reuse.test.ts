import { describe, expect, it } from "vitest";
import { createSign, orderLookupSign } from "@/lib/merchant-api/cloudpay/cloudpay-sign";
import { useMerchantApi } from "@/test/support/merchant-api-fixture";
import { describeOnDatabases } from "@/test/support/databases";
import {
  signedCloseParams,
  signedCreateParams,
  signedLookupParams,
  signedRecordsParams,
} from "@/test/support/merchant-client";
import { TEST_MERCHANT } from "@/test/support/test-context";
import { applyPayment } from "./apply-payment";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { checkOrder, closeOrder, listRecords, queryOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";

/**
 * Issue 17, item 2 on the 云端 protocol: its signatures concatenate fields without separators, so a signature Paydesk
 * sent (return URL, notify) or a shop sent once can be re-read as another request. Each test below answered 100
 * (or 199) before the fix.
 */
describeOnDatabases("云端 signatures are good for one use (issue 17)", (dialect) => {
  const f = useMerchantApi(dialect);
  const { call, create } = f;

  /** Creates and pays an order; answers its id. */
  async function paidOrder(out: string, custom: string, price = "7.00"): Promise<string> {
    const created = await create(signedCreateParams({ price, type: "alipay", out_order_id: out, custom }));
    expect(created.code).toBe(100);
    const orderId = created.data!.order_id!;
    const fen = Math.round(Number(price) * 100);
    const paid = await applyPayment(f.ctx, {
      channelId: "sandbox",
      tradeNo: `T-${out}`,
      amountFen: fen,
      match: { by: "order_id", orderId },
      raw: {},
    });
    expect(paid.outcome).toBe("applied");
    return orderId;
  }

  /** The signed return URL as any payer sees it in the public poll (10 s after payment). */
  async function publicReturnUrl(orderId: string): Promise<URL> {
    f.ctx.clock.advance(10_000);
    const view = await call(queryOrder, { order_id: orderId, sign: "nosign" }, { method: "GET" });
    expect(view.data!.return_url).toBeDefined();
    return new URL(String(view.data!.return_url));
  }

  it("a paid order's public return URL split into out_order_id + custom is not a create", async () => {
    const orderId = await paidOrder(`ret-${dialect}`, "u1");
    const back = (await publicReturnUrl(orderId)).searchParams;
    const sign = back.get("sign")!;
    // return signs price + type + product_id + order_id + out_order_id; create signs price + type + out_order_id + custom.
    const splits = [
      { out_order_id: `${back.get("product_id")}${orderId}`, custom: back.get("out_order_id")! },
      { out_order_id: back.get("product_id")!, custom: `${orderId}${back.get("out_order_id")}` },
    ];
    for (const split of splits) {
      const forged = { appkey: "k1", price: back.get("price")!, type: back.get("type")!, ...split, sign };
      expect(createSign(forged, TEST_MERCHANT.appsecret)).toBe(sign); // a valid signature: that was the hole
      expect(await create(forged)).toMatchObject({ code: 104 });
    }
  });

  it("the notify's signature is refused as a query signature", async () => {
    const orderId = await paidOrder(`ntf-${dialect}`, "u2");
    const body = new URLSearchParams((await f.ctx.repos.notifications.findNotificationByOrder(orderId))!.body);
    const rest = ["order_id", "out_order_id", "price", "realprice", "type", "paytime", "extend"]
      .map((k) => body.get(k))
      .join("");
    const forged = { appkey: "k1", out_order_id: rest, sign: body.get("sign")! };
    expect(orderLookupSign(forged, TEST_MERCHANT.appsecret)).toBe(forged.sign);
    expect(await call(queryOrder, forged)).toMatchObject({ code: 104 });
    expect(await call(checkOrder, forged)).toMatchObject({ code: 104 });
  });

  it("one create signature makes one order: the same signature with the fields re-split is refused", async () => {
    const genuine = signedCreateParams({ price: "3.00", type: "alipay", out_order_id: `sp-${dialect}`, custom: "x9" });
    const first = await create(genuine);
    expect(first.code).toBe(100);
    const moved = { appkey: "k1", price: "3.00", type: "alipay", out_order_id: `sp-${dialect}x`, custom: "9" };
    expect(createSign(moved, TEST_MERCHANT.appsecret)).toBe(genuine.sign);
    expect(await create({ ...moved, sign: genuine.sign! })).toMatchObject({ code: 104 });
    // The exact repeat still answers the same order, whatever the case of its hex.
    expect((await create(genuine)).data!.order_id).toBe(first.data!.order_id);
    expect((await create({ ...genuine, sign: genuine.sign!.toUpperCase() })).data!.order_id).toBe(first.data!.order_id);
  });

  it("concurrent creates with one signature split six ways make exactly one order", async () => {
    const whole = `cc${dialect}abcdef`;
    const sign = createSign(
      { appkey: "k1", price: "2.00", type: "alipay", out_order_id: whole, custom: "" },
      TEST_MERCHANT.appsecret,
    );
    const answers = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((cut) =>
        create({
          appkey: "k1",
          price: "2.00",
          type: "alipay",
          out_order_id: whole.slice(0, whole.length - cut),
          custom: whole.slice(whole.length - cut),
          sign,
        }),
      ),
    );
    expect(answers.filter((a) => a.code === 100)).toHaveLength(1);
    expect(answers.filter((a) => a.code === 104)).toHaveLength(5);
  });

  it("close needs its own signature: the order's query signature does not close it", async () => {
    const out = `cl-${dialect}`;
    expect((await create(signedCreateParams({ price: "4.00", type: "alipay", out_order_id: out }))).code).toBe(100);
    expect(await call(closeOrder, signedLookupParams(out))).toMatchObject({ code: 104 });
    expect((await call(queryOrder, signedLookupParams(out))).data).toMatchObject({ status: "pending" });
    expect(await call(closeOrder, signedCloseParams(out))).toMatchObject({ code: 100, data: { status: "closed" } });
  });

  it("records needs its own signature: a query signature for an out_order_id does not list a customer so named", async () => {
    const out = `rc-${dialect}`;
    await paidOrder(`rc-order-${dialect}`, out, "1.00");
    expect(await call(listRecords, { appkey: "k1", custom: out, sign: signedLookupParams(out).sign! })).toMatchObject({
      code: 104,
    });
    const listed = await call(listRecords, signedRecordsParams(out));
    expect(listed.code).toBe(100);
    expect((listed.data as unknown as unknown[]).length).toBe(1);
  });

  describe("issued signatures on every 云端 endpoint", () => {
    it("close and records refuse a signature Paydesk issued", async () => {
      const out = `is-${dialect}`;
      expect((await create(signedCreateParams({ price: "5.00", type: "alipay", out_order_id: out }))).code).toBe(100);
      const close = signedCloseParams(out);
      const records = signedRecordsParams(out);
      const now = f.ctx.now();
      await f.ctx.repos.signatures.recordIssuedSignatures({
        appkey: "k1",
        orderId: "X",
        signs: [close.sign!, records.sign!],
        now,
      });
      expect(await call(closeOrder, close)).toMatchObject({ code: 104 });
      expect(await call(listRecords, records)).toMatchObject({ code: 104 });
      // and the create path, by the same table
      const genuine = signedCreateParams({ price: "5.00", type: "alipay", out_order_id: `${out}-2` });
      await f.ctx.repos.signatures.recordIssuedSignatures({ appkey: "k1", orderId: "X", signs: [genuine.sign!], now });
      expect(await f.call(createOrder, genuine)).toMatchObject({ code: 104 });
    });
  });
});
