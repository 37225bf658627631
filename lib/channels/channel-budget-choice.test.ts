import { afterAll, beforeAll, expect, it } from "vitest";
import { configFileSchema } from "@/lib/config/schema";
import { chooseType } from "@/lib/orders/choose-type";
import type { DatabaseHandle } from "@/lib/storage/database";
import { placeTestOrder } from "@/test/support/place-test-order";
import { openTestDatabase, testAppConfig, testContext, type TestContext } from "@/test/support/test-context";
import { budgetStatus } from "./channel-budget";

const file = configFileSchema.parse({
  merchants: [
    {
      appkey: "epay",
      appsecret: "epay-secret",
      name: "epay",
      notify_url: "http://127.0.0.1:9/notify",
      return_url: "https://shop.example/r",
      rotation: "random",
      channels: ["counted", "spare"],
    },
  ],
  channels: [
    { id: "counted", provider: "sandbox", types: ["alipay"], budget: { daily_orders: 1 } },
    { id: "spare", provider: "sandbox", types: ["alipay"] },
  ],
});

let db: DatabaseHandle;
let ctx: TestContext;
beforeAll(async () => {
  db = await openTestDatabase("sqlite");
  ctx = testContext(db, testAppConfig(file));
  ctx.random = () => 0;
});
afterAll(() => db.close());

it("the payer's wallet choice takes the channel's budget slot too: the second choice goes to the next channel", async () => {
  const channels: string[] = [];
  for (let i = 0; i < 2; i++) {
    const waiting = await placeTestOrder(ctx, ctx.config.merchants[0]!, {
      protocol: "epay",
      outOrderId: `w-${i}`,
      priceRaw: "3.00",
      priceFen: 300,
      type: null,
    });
    expect(await chooseType(ctx, waiting.id, "alipay")).toEqual({ outcome: "chosen" });
    channels.push((await ctx.repos.orders.findOrderById(waiting.id))!.channel_id);
  }
  expect(channels).toEqual(["counted", "spare"]);
  expect(await budgetStatus(ctx, "counted")).toMatchObject({ ordersToday: 1, amountTodayFen: 300, atBudget: true });
});
