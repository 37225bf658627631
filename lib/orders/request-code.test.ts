import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { channelBreaker } from "@/lib/channels/circuit-breaker";
import { configFileSchema } from "@/lib/config/schema";
import { chooseType } from "@/lib/orders/choose-type";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { providerDeps } from "@/lib/context";
import { providerFor, type ChannelConfig } from "@/lib/providers/registry";
import { UpstreamError } from "@/lib/providers/types";
import type { DatabaseHandle } from "@/lib/storage/database";
import { placeTestOrder } from "@/test/support/place-test-order";
import { describeOnDatabases } from "@/test/support/databases";
import { signedCreateParams } from "@/test/support/merchant-client";
import { openTestDatabase, testAppConfig, testContext, type TestContext } from "@/test/support/test-context";

/** Nothing listens on port 9 (discard) here: every call to it is refused at once, like a provider that is down. */
const DOWN = "http://127.0.0.1:9";
const notify = "http://127.0.0.1:9/notify";

const file = configFileSchema.parse({
  merchants: [
    // The first channel's upstream is down; the second (a V免签 channel, which holds an amount per order) serves.
    { appkey: "fb", appsecret: "fb-secret", name: "FB", notify_url: notify, return_url: "https://shop.example/r" },
    // Both V免签: the first holds an amount, then fails (the test makes it: see FAIL_AFTER_HOLD); the second serves.
    { appkey: "vv", appsecret: "vv-secret", name: "VV", notify_url: notify, return_url: "https://shop.example/r" },
    // Every channel down.
    { appkey: "dd", appsecret: "dd-secret", name: "DD", notify_url: notify, return_url: "https://shop.example/r" },
  ].map((m, i) => ({
    ...m,
    rotation: "random",
    channels: [
      ["down", "vq2"],
      ["vq1", "vq2"],
      ["down", "down2"],
    ][i],
  })),
  channels: [
    { id: "down", provider: "payjs", types: ["alipay"], base_url: DOWN, mchid: "1", key: "k" },
    { id: "down2", provider: "payjs", types: ["alipay"], base_url: DOWN, mchid: "2", key: "k" },
    { id: "vq1", provider: "vmq", types: ["alipay"], key: "a", codes: { alipay: "https://qr.alipay.com/fkx0one" } },
    { id: "vq2", provider: "vmq", types: ["alipay"], key: "b", codes: { alipay: "https://qr.alipay.com/fkx0two" } },
  ],
});

const FB = { appkey: "fb", appsecret: "fb-secret" };
const VV = { appkey: "vv", appsecret: "vv-secret" };
const DD = { appkey: "dd", appsecret: "dd-secret" };
/** Channels whose create holds its amount and then fails, as a provider that timed out after its claim would. */
const FAIL_AFTER_HOLD = new Set(["vq1"]);

describeOnDatabases("next-channel fallback", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  /** Every createPayment call, by channel id, in order. */
  const calls: string[] = [];
  let seq = 0;

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    ctx = testContext(db, testAppConfig(file));
    const deps = providerDeps(ctx.repos, (...args) => fetch(...args));
    ctx.provider = (channel: ChannelConfig) => {
      const real = providerFor(channel, deps);
      return {
        ...real,
        createPayment: async (input) => {
          calls.push(channel.id);
          const result = await real.createPayment(input);
          if (FAIL_AFTER_HOLD.has(channel.id)) throw new UpstreamError("V免签：测试中的上游故障");
          return result;
        },
      };
    };
    // The rotation takes the first candidate: the failing channel is always asked first.
    ctx.random = () => 0;
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    calls.length = 0;
    // The breaker is per process: earlier failures must not make selection skip the failing channel.
    for (const id of ["down", "down2", "vq1", "vq2"]) channelBreaker().recordSuccess(id);
    ctx.clock.advance(3600_000); // every earlier amount is free again
    await ctx.repos.monitors.recordHeartbeat("vq1", ctx.now());
    await ctx.repos.monitors.recordHeartbeat("vq2", ctx.now());
  });

  const create = (merchant: { appkey: string; appsecret: string }, price: string, type = "alipay") =>
    createOrder(ctx, signedCreateParams({ price, type, out_order_id: `${dialect}-${++seq}` }, merchant));

  it("the first channel's upstream is down: the second serves, asked once, holding the price", async () => {
    const made = await create(FB, "5.00");
    expect(calls).toEqual(["down", "vq2"]);
    expect(made).toMatchObject({ pay_amount: "5.00", qr_content: "https://qr.alipay.com/fkx0two" });
    const row = await ctx.repos.orders.findOrderById(made.order_id);
    expect(row).toMatchObject({ channel_id: "vq2", status: "pending", pay_amount_fen: 500 });
    expect(await ctx.repos.amounts.findAmountHolder("vq2", "alipay", 500)).toBe(made.order_id);
    // The amount logic is the second channel's own: the next order at this price is given the next amount.
    const next = await create(FB, "5.00");
    expect(next.pay_amount).toBe("5.01");
  });

  it("a channel that held an amount and then failed lets it go: only the serving channel holds one", async () => {
    const made = await create(VV, "7.00");
    expect(calls).toEqual(["vq1", "vq2"]);
    expect(await ctx.repos.amounts.findAmountHolder("vq1", "alipay", 700)).toBeUndefined();
    expect(await ctx.repos.amounts.findAmountHolder("vq2", "alipay", 700)).toBe(made.order_id);
    expect((await ctx.repos.orders.findOrderById(made.order_id))?.channel_id).toBe("vq2");
  });

  it("the failure is on the order's timeline (console), in full; the shop sees only the success", async () => {
    const made = await create(FB, "6.00");
    const entries = await ctx.repos.consoleAudit.listAuditForOrder(made.order_id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: "code_failed", user_name: "paydesk", appkey: "fb" });
    expect(entries[0]?.detail).toContain("down");
    expect(entries[0]?.detail).toContain("PAYJS");
  });

  it("every channel down: 208 with the upstreams' reason, each asked once, no order left", async () => {
    const out = `${dialect}-${++seq}`;
    await expect(
      createOrder(ctx, signedCreateParams({ price: "8.00", type: "alipay", out_order_id: out }, DD)),
    ).rejects.toMatchObject({ code: 208, message: expect.stringContaining("PAYJS：无法连接") });
    expect(calls).toEqual(["down", "down2"]);
    expect(await ctx.repos.orders.findOrderByMerchantRef("dd", out)).toBeUndefined();
  });

  it("the payer's wallet choice (epay without type) falls back the same way", async () => {
    const merchant = ctx.config.merchants.find((m) => m.appkey === "fb")!;
    const waiting = await placeTestOrder(ctx, merchant, {
      protocol: "epay",
      outOrderId: `${dialect}-${++seq}`,
      priceRaw: "9.00",
      priceFen: 900,
      type: null,
    });
    expect(await chooseType(ctx, waiting.id, "alipay")).toEqual({ outcome: "chosen" });
    expect(calls).toEqual(["down", "vq2"]);
    expect(await ctx.repos.orders.findOrderById(waiting.id)).toMatchObject({ channel_id: "vq2", pay_amount_fen: 900 });
    expect(await ctx.repos.amounts.findAmountHolder("vq2", "alipay", 900)).toBe(waiting.id);
  });
});
