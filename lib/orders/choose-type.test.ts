import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerDeps, type AppContext } from "@/lib/context";
import type { PaymentProvider } from "@/lib/providers/types";
import { providerFor } from "@/lib/providers/registry";
import type { DatabaseHandle } from "@/lib/storage/database";
import {
  openTestDatabase,
  postgresUnavailableReason,
  testAppConfig,
  testConfigFile,
  testContext,
  type TestContext,
  type TestDialect,
} from "@/test/support/test-context";
import { liveOrdersFor } from "@/lib/events/live-orders";
import { chooseType } from "./choose-type";
import { publicOrderView } from "./order-views";
import { placeOrder } from "./place-order";

const pgReason = await postgresUnavailableReason();
if (pgReason) console.warn(`[choose-type] PostgreSQL suite skipped: ${pgReason}`);

/**
 * The payer's wallet choice for an order created without a type (epay, docs/protocols/epay.md#payment-fields), on both
 * databases.
 */
describe.each<TestDialect>(["sqlite", "postgres"])("wallet choice on %s", (dialect) => {
  describe.skipIf(dialect === "postgres" && pgReason !== null)("", () => {
    let db: DatabaseHandle;
    let ctx: TestContext;
    let calls = 0;
    let failNext = false;
    let seq = 0;

    beforeAll(async () => {
      db = await openTestDatabase(dialect);
      const base = testContext(db, testAppConfig(testConfigFile()));
      // The sandbox provider, counted and slowed down so that concurrent choices really overlap; it can be told to fail.
      const provider: AppContext["provider"] = (channel) => {
        const real: PaymentProvider = providerFor(channel, providerDeps(base.repos, fetch));
        return {
          ...real,
          async createPayment(input) {
            calls += 1;
            await new Promise((r) => setTimeout(r, 50));
            if (failNext) {
              failNext = false;
              throw new Error("upstream down");
            }
            return real.createPayment(input);
          },
        };
      };
      ctx = { ...base, provider };
    });
    afterAll(() => db.close());

    const untyped = () =>
      placeOrder(ctx, ctx.config.merchants[0]!, {
        protocol: "epay",
        outOrderId: `C${++seq}`,
        priceRaw: "5",
        priceFen: 500,
        type: null,
        custom: "",
        name: "n",
        notifyUrl: "https://shop.example/n",
        returnUrl: null,
        // One create signature makes one order (issue 17): each request its own.
        requestSign: `s${seq}`,
        digest: `d${seq}`,
      });

    it("an order without a type has no channel and no code, and asked no provider", async () => {
      const before = calls;
      const order = await untyped();
      expect(order).toMatchObject({ status: "pending", type: null, channel_id: "", payload: "" });
      expect(await ctx.repos.orders.findOrderById(order.id)).toMatchObject({ type: null, payload: "" });
      expect(calls).toBe(before);
    });

    it("the payer's page sees the chosen wallet at once: the choice drops the cached public view", async () => {
      const order = await untyped();
      // The page's first read caches the order in the live orders (type null, no code yet).
      expect((await publicOrderView(ctx, order.id))!.type).toBeNull();
      expect(await chooseType(ctx, order.id, "alipay")).toEqual({ outcome: "chosen" });
      expect((await publicOrderView(ctx, order.id))!.type).toBe("alipay");
      expect((await liveOrdersFor(ctx).snapshot(order.id))!.order.payload).not.toBe("");
    });

    it("two choices at once: one asks the provider, the other leaves the order as it is", async () => {
      const order = await untyped();
      const before = calls;
      const results = await Promise.all([chooseType(ctx, order.id, "wxpay"), chooseType(ctx, order.id, "alipay")]);
      expect(results.map((r) => r.outcome).sort()).toEqual(["chosen", "unchanged"]);
      expect(calls - before).toBe(1);
      const stored = (await ctx.repos.orders.findOrderById(order.id))!;
      expect(stored.type).not.toBeNull();
      expect(stored.payload).not.toBe("");
      expect(stored.channel_id).toBe("sandbox");
    });

    it("a provider failure releases the choice, so the payer can choose again", async () => {
      const order = await untyped();
      failNext = true;
      expect(await chooseType(ctx, order.id, "qqpay")).toEqual({
        outcome: "error",
        message: "付款码生成失败，请重试或选择其他方式",
      });
      expect(await ctx.repos.orders.findOrderById(order.id)).toMatchObject({ type: null, channel_id: "", payload: "" });
      expect(await chooseType(ctx, order.id, "alipay")).toEqual({ outcome: "chosen" });
      expect((await ctx.repos.orders.findOrderById(order.id))!.type).toBe("alipay");
    });

    it("an expired order cannot be given a wallet", async () => {
      const order = await untyped();
      ctx.clock.advance(301_000);
      expect(await chooseType(ctx, order.id, "alipay")).toEqual({ outcome: "unchanged" });
      expect((await ctx.repos.orders.findOrderById(order.id))!.status).toBe("expired");
    });
  });
});
