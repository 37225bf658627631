import { describe, expect, it } from "vitest";
import { CSRF_HEADER, sandboxPayResponseSchema } from "@/lib/cashier/payer-dtos";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { signedCreateParams } from "@/test/support/merchant-client";
import { expectPayerError, openPayerSession, PAYER_BASE, payerRouteFor } from "@/test/support/payer-client";
import { useTestContext } from "@/test/support/databases";
import { sandboxPayRoute } from "./sandbox-pay-route";

describe("sandbox pay route", () => {
  const ctx = useTestContext();

  it("needs the same origin and the session nonce, then pays the order", async () => {
    const id = (
      await createOrder(ctx, signedCreateParams({ price: "1.00", type: "alipay", out_order_id: "sbx-route-1" }))
    ).order_id;
    const pay = payerRouteFor(ctx, sandboxPayRoute);
    const { cookie, token } = await openPayerSession(ctx, id);
    const post = (body: string, headers: Record<string, string> = {}) =>
      pay(
        new Request(`${PAYER_BASE}/api/sandbox/pay`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json", cookie, [CSRF_HEADER]: token, ...headers },
        }),
      );
    await expectPayerError(
      await post(JSON.stringify({ order_id: id }), { origin: "https://evil.example" }),
      403,
      "cross_origin",
    );
    await expectPayerError(
      await post(JSON.stringify({ order_id: id }), { [CSRF_HEADER]: "" }),
      403,
      "session_required",
    );
    await expectPayerError(await post("{not json"), 400, "bad_request");
    await expectPayerError(await post(JSON.stringify({ order: id })), 400, "bad_request");
    // The page token is bound to its order (hardening): another order id is refused before it is looked up.
    await expectPayerError(
      await post(JSON.stringify({ order_id: "nosuchorder000000000000" })),
      403,
      "session_required",
    );
    const sent = await post(JSON.stringify({ order_id: id }), { origin: PAYER_BASE });
    expect(sandboxPayResponseSchema.parse(await sent.json()).data.result).toBe("sent");
    expect((await ctx.repos.orders.findOrderById(id))!.status).toBe("paid");
    // A form body works too; the second payment is acknowledged but kept for review, not credited again.
    const form = await post(new URLSearchParams({ order_id: id }).toString(), {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(200);
    const payments = await ctx.repos.payments.listPaymentsForOrder(id);
    expect(payments.map((p) => p.status).sort()).toEqual(["applied", "unmatched"]);
  });
});
