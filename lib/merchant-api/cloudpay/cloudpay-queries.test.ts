import { describe, expect, it } from "vitest";
import { createSign } from "./cloudpay-sign";
import {
  signedCloseParams,
  signedCreateParams,
  signedLookupParams,
  signedRecordsParams,
} from "@/test/support/merchant-client";
import { useMerchantApi } from "@/test/support/merchant-api-fixture";
import { describeOnDatabases } from "@/test/support/databases";
import { TEST_MERCHANT } from "@/test/support/test-context";
import { applyPayment } from "@/lib/orders/apply-payment";
import { closeOrder, listRecords, queryOrder } from "./cloudpay-queries";

describeOnDatabases("merchant queries (query, close, records)", (dialect) => {
  const f = useMerchantApi(dialect);
  const { call, create } = f;

  describe("query", () => {
    it("nosign shows only the public view", async () => {
      const created = await create(
        signedCreateParams({
          price: "5.00",
          type: "alipay",
          out_order_id: "q-pub",
          custom: "secret-user@example.com",
        }),
      );
      const res = await call(queryOrder, { order_id: created.data!.order_id!, sign: "nosign" }, { method: "GET" });
      expect(res.code).toBe(100);
      expect(Object.keys(res.data!).sort()).toEqual([
        "expires_in",
        "order_id",
        "pay_amount",
        "price",
        "status",
        "type",
      ]);
      expect(res.data).toMatchObject({
        status: "pending",
        price: "5.00",
        pay_amount: "5.00",
        type: "alipay",
        expires_in: 300,
      });
      const text = JSON.stringify(res);
      expect(text).not.toContain("q-pub");
      expect(text).not.toContain("secret-user");
      expect(text).not.toContain("s1secret");
    });

    it("nosign for an unknown or malformed id answers 199", async () => {
      expect((await call(queryOrder, { order_id: "nope", sign: "nosign" }, { method: "GET" })).code).toBe(199);
      expect((await call(queryOrder, { order_id: "../../etc", sign: "nosign" }, { method: "GET" })).code).toBe(199);
    });

    it("signed query shows the merchant's full view; a bad sign answers 104", async () => {
      expect(
        (await create(signedCreateParams({ price: "5.00", type: "qqpay", out_order_id: "q-full", custom: "u7" }))).code,
      ).toBe(100);
      const res = await call(queryOrder, signedLookupParams("q-full"));
      expect(res.code).toBe(100);
      expect(res.data).toMatchObject({
        out_order_id: "q-full",
        custom: "u7",
        status: "pending",
        realprice: null,
        paytime: null,
        late: false,
        notify_status: null,
        notify_attempts: 0,
      });
      expect((await call(queryOrder, { ...signedLookupParams("q-full"), sign: "f".repeat(32) })).code).toBe(104);
      expect((await call(queryOrder, signedLookupParams("never-made"))).code).toBe(199);
    });

    it("a paid order shows payment, late flag and notify state", async () => {
      const created = await create(
        signedCreateParams({ price: "6.00", type: "alipay", out_order_id: "q-paid", custom: "u8" }),
      );
      await applyPayment(f.ctx, {
        channelId: "sandbox",
        tradeNo: "T-q-paid",
        amountFen: 600,
        match: { by: "order_id", orderId: created.data!.order_id! },
        raw: {},
      });
      const res = await call(queryOrder, signedLookupParams("q-paid"));
      expect(res.data).toMatchObject({
        status: "paid",
        realprice: "6.00",
        late: false,
        notify_status: "pending",
        notify_attempts: 0,
      });
      expect(res.data!.paytime).toBe(Math.floor(f.ctx.now() / 1000));
    });
  });

  describe("close", () => {
    it("closes a pending order; the page then shows closed and a payment is not credited", async () => {
      const created = await create(signedCreateParams({ price: "7.00", type: "alipay", out_order_id: "c-1" }));
      const res = await call(closeOrder, signedCloseParams("c-1"));
      expect(res.code).toBe(100);
      expect(res.data!.status).toBe("closed");
      expect((await call(closeOrder, signedCloseParams("c-1"))).code).toBe(100);
      const pay = await applyPayment(f.ctx, {
        channelId: "sandbox",
        tradeNo: "T-c-1",
        amountFen: 700,
        match: { by: "order_id", orderId: created.data!.order_id! },
        raw: {},
      });
      expect(pay).toMatchObject({ outcome: "unmatched", reason: "order_closed" });
    });

    it("refuses to close a paid order and checks the signature", async () => {
      const created = await create(signedCreateParams({ price: "7.00", type: "alipay", out_order_id: "c-2" }));
      await applyPayment(f.ctx, {
        channelId: "sandbox",
        tradeNo: "T-c-2",
        amountFen: 700,
        match: { by: "order_id", orderId: created.data!.order_id! },
        raw: {},
      });
      expect((await call(closeOrder, signedCloseParams("c-2"))).code).toBe(199);
      expect((await call(closeOrder, { ...signedCloseParams("c-2"), sign: "0".repeat(32) })).code).toBe(104);
    });
  });

  describe("records", () => {
    it("lists one customer's paid orders, newest first", async () => {
      const ids: string[] = [];
      for (const [i, out] of ["r-1", "r-2", "r-3"].entries()) {
        const created = await create(
          signedCreateParams({ price: "1.00", type: "alipay", out_order_id: out, custom: "rec-user" }),
        );
        ids.push(created.data!.order_id!);
        if (i < 2) {
          f.ctx.clock.advance(1000);
          await applyPayment(f.ctx, {
            channelId: "sandbox",
            tradeNo: `T-${out}`,
            amountFen: 100,
            match: { by: "order_id", orderId: created.data!.order_id! },
            raw: {},
          });
        }
      }
      await create(
        signedCreateParams({ price: "1.00", type: "alipay", out_order_id: "r-other", custom: "someone-else" }),
      );
      const res = await call(listRecords, signedRecordsParams("rec-user"), { method: "GET" });
      expect(res.code).toBe(100);
      const list = res.data as unknown as { out_order_id: string; status: string }[];
      expect(list.map((o) => o.out_order_id)).toEqual(["r-2", "r-1"]);
      expect(
        (
          await call(listRecords, {
            ...signedRecordsParams("rec-user"),
            sign: createSign(
              { appkey: "k1", price: "", type: "", out_order_id: "", custom: "" },
              TEST_MERCHANT.appsecret,
            ),
          })
        ).code,
      ).toBe(104);
      expect((await call(listRecords, { appkey: "k1", sign: "x" })).code).toBe(105);
    });
  });
});
