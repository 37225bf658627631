import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkResponseSchema, CSRF_HEADER } from "@/lib/cashier/payer-dtos";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";
import type { DatabaseHandle } from "@/lib/storage/database";
import { signedCreateParams } from "@/test/support/merchant-client";
import {
  expectPayerError,
  openPayerSession,
  PAYER_BASE,
  payerRouteFor,
  withOrderId,
} from "@/test/support/payer-client";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import { checkRoute, payApiRoute, payloadPngRoute, payUrlPngRoute, sessionRoute } from "./payer-routes";

const UNKNOWN = "nosuchorder000000000000";

describe("payer routes", () => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let seq = 0;
  beforeAll(async () => {
    db = await openTestDatabase("sqlite");
    ctx = testContext(db);
  });
  afterAll(() => db.close());

  const newOrder = async () =>
    (await createOrder(ctx, signedCreateParams({ price: "1.00", type: "alipay", out_order_id: `payer-${++seq}` })))
      .order_id;

  it("session: a nonce and its sealed cookie for a real order; not_found otherwise", async () => {
    const id = await newOrder();
    const { token } = await openPayerSession(ctx, id);
    expect(token.length).toBeGreaterThan(20);
    const unknown = await payerRouteFor(ctx, sessionRoute)(
      new Request(`${PAYER_BASE}/pay/${UNKNOWN}/session`, { method: "POST" }),
      withOrderId(UNKNOWN),
    );
    await expectPayerError(unknown, 404, "not_found");
  });

  it("check: refused without the session nonce, the public view with it", async () => {
    const id = await newOrder();
    const check = payerRouteFor(ctx, checkRoute);
    const url = `${PAYER_BASE}/pay/${id}/check`;
    await expectPayerError(await check(new Request(url, { method: "POST" }), withOrderId(id)), 403, "session_required");
    const { cookie, token } = await openPayerSession(ctx, id);
    await expectPayerError(
      await check(new Request(url, { method: "POST", headers: { cookie, [CSRF_HEADER]: "forged" } }), withOrderId(id)),
      403,
      "session_required",
    );
    const ok = await check(
      new Request(url, { method: "POST", headers: { cookie, [CSRF_HEADER]: token } }),
      withOrderId(id),
    );
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(checkResponseSchema.parse(await ok.json()).data).toMatchObject({
      order_id: id,
      status: "pending",
      type: "alipay",
      price: "1.00",
    });
    // The page token is bound to its order: the same session's token does not open another order's actions.
    const unknown = await check(
      new Request(`${PAYER_BASE}/pay/${UNKNOWN}/check`, { method: "POST", headers: { cookie, [CSRF_HEADER]: token } }),
      withOrderId(UNKNOWN),
    );
    await expectPayerError(unknown, 403, "session_required");
  });

  it("code and qrcode: PNGs of the payload and of pay_url for real orders, the JSON error otherwise", async () => {
    const id = await newOrder();
    for (const route of [payloadPngRoute, payUrlPngRoute]) {
      const png = await payerRouteFor(ctx, route)(new Request(`${PAYER_BASE}/pay/${id}/code`), withOrderId(id));
      expect(png.headers.get("content-type")).toBe("image/png");
      expect([...new Uint8Array(await png.arrayBuffer()).slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
      await expectPayerError(
        await payerRouteFor(ctx, route)(new Request(`${PAYER_BASE}/pay/${UNKNOWN}/code`), withOrderId(UNKNOWN)),
        404,
        "not_found",
      );
    }
  });

  it("/pay/api?id= redirects to the page; a malformed id is not_found", async () => {
    const id = await newOrder();
    const res = await payerRouteFor(ctx, payApiRoute)(new Request(`${PAYER_BASE}/pay/api?id=${id}`));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${PAYER_BASE}/pay/${id}`);
    await expectPayerError(
      await payerRouteFor(ctx, payApiRoute)(new Request(`${PAYER_BASE}/pay/api?id=..%2Fx`)),
      404,
      "not_found",
    );
  });
});
