import { describe, expect, it } from "vitest";
import { CSRF_HEADER } from "@/lib/cashier/payer-dtos";
import { expectPayerError, openPayerSession, PAYER_BASE, payerRouteFor } from "@/test/support/payer-client";
import { useTestContext } from "@/test/support/databases";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import { signedCreateParams } from "@/test/support/merchant-client";
import { PayerError, payerHandler, payerJson, type PayerRoute } from "./payer-handler";

describe("payerHandler", () => {
  const ctx = useTestContext();

  const ran: string[] = [];
  const echo = (options: PayerRoute["options"]): PayerRoute<{ id: string }> => ({
    options,
    async run({ params }) {
      ran.push(params.id);
      return payerJson({ id: params.id });
    },
  });

  it("passes the route's params, answers no-store JSON", async () => {
    const res = await payerRouteFor(ctx, echo({}))(new Request(`${PAYER_BASE}/x`), {
      params: Promise.resolve({ id: "a1" }),
    });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ id: "a1" });
  });

  it("nonce: refuses before the body runs unless the session's nonce comes back in the header", async () => {
    const id = (
      await createOrder(ctx, signedCreateParams({ price: "1.00", type: "alipay", out_order_id: "handler-1" }))
    ).order_id;
    const { cookie, token } = await openPayerSession(ctx, id);
    const route = payerRouteFor(ctx, echo({ nonce: true }));
    // The token is bound to its order (hardening): the route's id must be the order the session was opened for.
    const params = { params: Promise.resolve({ id }) };
    ran.length = 0;
    await expectPayerError(
      await route(new Request(`${PAYER_BASE}/x`, { method: "POST", headers: { cookie } }), params),
      403,
      "session_required",
    );
    await expectPayerError(
      await route(new Request(`${PAYER_BASE}/x`, { method: "POST", headers: { [CSRF_HEADER]: token } }), params),
      403,
      "session_required",
    );
    expect(ran).toEqual([]);
    expect(
      (
        await route(
          new Request(`${PAYER_BASE}/x`, { method: "POST", headers: { cookie, [CSRF_HEADER]: token } }),
          params,
        )
      ).status,
    ).toBe(200);
    expect(ran).toEqual([id]);
  });

  it("sameOrigin: another site's Origin is refused; Paydesk's own or none passes", async () => {
    const route = payerRouteFor(ctx, echo({ sameOrigin: true }));
    const post = (origin?: string) =>
      route(new Request(`${PAYER_BASE}/x`, { method: "POST", headers: origin ? { origin } : {} }), {
        params: Promise.resolve({ id: "o1" }),
      });
    await expectPayerError(await post("https://evil.example"), 403, "cross_origin");
    expect((await post(PAYER_BASE)).status).toBe(200);
    expect((await post()).status).toBe(200);
  });

  it("a known failure keeps its code; anything else is answered internal without details", async () => {
    const known = payerRouteFor(ctx, { run: () => Promise.reject(new PayerError("bad_request", "nope")) });
    await expectPayerError(await known(new Request(`${PAYER_BASE}/x`)), 400, "bad_request");
    const broken = payerRouteFor(ctx, { run: () => Promise.reject(new Error("secret detail")) });
    const res = await broken(new Request(`${PAYER_BASE}/x`));
    await expectPayerError(res.clone(), 500, "internal");
    expect(await res.text()).not.toContain("secret detail");
    const noContext = payerHandler({ run: () => Promise.resolve(new Response("unreachable")) }, () =>
      Promise.reject(new Error("db down")),
    );
    await expectPayerError(await noContext(new Request(`${PAYER_BASE}/x`)), 500, "internal");
  });
});
