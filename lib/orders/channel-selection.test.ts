import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config";
import type { DatabaseHandle } from "@/lib/storage/database";
import { findOrderById } from "@/lib/storage/orders-repo";
import { signedCreateParams } from "@/test/support/merchant-client";
import { openTestDatabase, testAppConfig, testContext, type TestContext } from "@/test/support/test-context";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { UpstreamError } from "@/lib/providers/types";
import { applyPayment } from "./apply-payment";
import { createOrder } from "./create-order";

const file = (rotation: "smart" | "uniform") =>
  configFileSchema.parse({
    merchants: [
      {
        appkey: "k1",
        appsecret: "s1secret",
        name: "S",
        notify_url: "https://s.example/n",
        return_url: "https://s.example/r",
        rotation,
        channels: ["a", "b", "c"],
      },
    ],
    channels: ["a", "b", "c"].map((id) => ({ id, provider: "sandbox", types: ["alipay"] })),
  });

describe("channel selection through create, with facts from storage", () => {
  let db: DatabaseHandle;
  beforeAll(async () => {
    db = await openTestDatabase("sqlite");
  });
  afterAll(() => db.close());

  let seq = 0;
  async function createAndMaybePay(ctx: TestContext, pay: boolean, price = "1.00") {
    const data = await createOrder(ctx, signedCreateParams({ price, type: "alipay", out_order_id: `sel-${++seq}` }));
    const order = (await findOrderById(ctx.db, data.order_id))!;
    if (pay)
      await applyPayment(ctx, {
        channelId: order.channel_id,
        tradeNo: `T${seq}`,
        amountFen: order.pay_amount_fen,
        match: { by: "order_id", orderId: order.id },
        raw: {},
      });
    ctx.clock.advance(1000);
    return order.channel_id;
  }

  it("smart: the next order never goes to the channel that was paid last", async () => {
    const ctx = testContext(db, testAppConfig(file("smart")));
    let lastPaid = await createAndMaybePay(ctx, true);
    for (let i = 0; i < 30; i++) {
      const channel = await createAndMaybePay(ctx, true);
      expect(channel).not.toBe(lastPaid);
      lastPaid = channel;
    }
  });

  it("uniform: the next order never goes to today's top collector", async () => {
    const fresh = await openTestDatabase("sqlite");
    const ctx = testContext(fresh, testAppConfig(file("uniform")));
    const totals = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const top = [...totals.entries()].sort((x, y) => y[1] - x[1])[0];
      const unique = top && [...totals.values()].filter((v) => v === top[1]).length === 1;
      const price = `${1 + (i % 7)}.00`;
      const channel = await createAndMaybePay(ctx, true, price);
      if (top && unique) expect(channel).not.toBe(top[0]);
      totals.set(channel, (totals.get(channel) ?? 0) + Number(price));
    }
    await fresh.close();
  });

  it("a channel whose provider keeps failing is skipped for a while, so the others take over", async () => {
    const fresh = await openTestDatabase("sqlite");
    const base = testContext(fresh, testAppConfig(file("smart")));
    const ctx: TestContext = {
      ...base,
      // Always the first candidate: "a" while it is available, so the test does not depend on luck.
      random: () => 0,
      provider: (channel) => {
        const real = base.provider(channel);
        if (channel.id !== "a") return real;
        return { ...real, createPayment: () => Promise.reject(new UpstreamError("上游维护中")) };
      },
    };
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) {
      try {
        answers.push(await createAndMaybePay(ctx, false));
      } catch {
        answers.push("208");
      }
    }
    // At most three failures reach the merchant before the breaker opens; after that every order goes elsewhere.
    expect(answers.slice(0, 3)).toEqual(["208", "208", "208"]);
    expect(answers.filter((a) => a === "208").length).toBe(3);
    expect(answers.slice(-20).every((a) => a === "b" || a === "c")).toBe(true);
    expect(channelBreaker().isOpen("a", ctx.now())).toBe(true);
    ctx.clock.advance(61_000);
    expect(channelBreaker().isOpen("a", ctx.now())).toBe(false);
    channelBreaker().recordSuccess("a");
    await fresh.close();
  });
});
