import { describe, expect, it } from "vitest";
import { applyPayment } from "@/lib/orders/apply-payment";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { signedCreateParams } from "@/test/support/merchant-client";
import { useTestContext } from "@/test/support/databases";
import { notificationLog, resend, reviewPayments } from "./admin-commands";

describe("operator commands", () => {
  const ctx = useTestContext();

  it("lists payments kept for review, shows a delivery log, and resends a failed delivery", async () => {
    expect(await reviewPayments(ctx)).toEqual(["no payments waiting for review"]);
    const order = await createOrder(ctx, signedCreateParams({ price: "3.00", type: "alipay", out_order_id: "adm-1" }));
    await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: "SHORT",
      amountFen: 299,
      match: { by: "order_id", orderId: order.order_id },
      raw: {},
    });
    await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: "STRAY",
      amountFen: 100,
      match: { by: "order_id", orderId: "nope" },
      raw: {},
    });
    const review = await reviewPayments(ctx);
    expect(review).toHaveLength(2);
    expect(review.join("\n")).toMatch(/mismatched\s+amount_mismatch\s+2\.99.*trade_no=SHORT/);
    expect(review.join("\n")).toMatch(/unmatched\s+no_order\s+1\.00.*trade_no=STRAY order=-/);

    await applyPayment(ctx, {
      channelId: "sandbox",
      tradeNo: "FULL",
      amountFen: 300,
      match: { by: "order_id", orderId: order.order_id },
      raw: {},
    });
    const n = (await ctx.repos.notifications.findNotificationByOrder(order.order_id))!;
    await ctx.repos.notifications.claimNotification(n.id, "op", ctx.now(), 1000);
    await ctx.repos.notifications.finishAttempt(n.id, "op", ctx.now(), {
      attempt: {
        started_at: ctx.now(),
        duration_ms: 3,
        http_status: 500,
        response_body: "oops",
        error: null,
        outcome: "failed",
      },
      next: { status: "failed", nextAttemptAt: ctx.now() },
    });
    const log = await notificationLog(ctx, order.order_id);
    expect(log[0]).toContain("failed, 1 attempt(s)");
    expect(log[1]).toMatch(/#1 .* failed http=500 "oops"/);
    expect(await resend(ctx, order.order_id)).toEqual([`${order.order_id}: queued again with a fresh retry schedule`]);
    expect((await ctx.repos.notifications.findNotificationByOrder(order.order_id))!.status).toBe("pending");
    expect((await resend(ctx, order.order_id))[0]).toContain("nothing to resend");
  });
});
