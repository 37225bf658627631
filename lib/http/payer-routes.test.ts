import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkResponseSchema,
  CSRF_HEADER,
  payerErrorSchema,
  sandboxPayResponseSchema,
  sessionResponseSchema,
} from "@/lib/cashier/payer-dtos";
import { createOrder } from "@/lib/orders/create-order";
import type { DatabaseHandle } from "@/lib/storage/database";
import { signedCreateParams } from "@/test/support/merchant-client";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import { PayerError, payerHandler, type PayerRoute } from "./payer-handler";
import { checkRoute, payApiRoute, payloadPngRoute, payUrlPngRoute, sessionRoute } from "./payer-routes";
import { sandboxPayRoute } from "./sandbox-pay-route";

const BASE = "http://paydesk.test";
const UNKNOWN = "nosuchorder000000000000";

describe("payer routes behind payerHandler", () => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let seq = 0;
  beforeAll(async () => {
    db = await openTestDatabase("sqlite");
    ctx = testContext(db);
  });
  afterAll(() => db.close());

  const handler = <P>(route: PayerRoute<P>) => payerHandler(route, () => Promise.resolve(ctx));
  const withId = (id: string) => ({ params: Promise.resolve({ id }) });
  const newOrder = async () => (await createOrder(ctx, signedCreateParams({ price: "1.00", type: "alipay", out_order_id: `payer-${++seq}` }))).order_id;

  async function expectError(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    const body = payerErrorSchema.parse(await res.json());
    expect(body.error.code).toBe(code);
    expect(body.error.message).not.toBe("");
  }

  /** A session for `id`: the sealed cookie and the nonce the page would send back. */
  async function session(id: string): Promise<{ cookie: string; token: string }> {
    const res = await handler(sessionRoute)(new Request(`${BASE}/pay/${id}/session`, { method: "POST" }), withId(id));
    expect(res.status).toBe(200);
    const { token } = sessionResponseSchema.parse(await res.json());
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^paydesk_session=/);
    return { cookie, token };
  }

  it("session: a nonce and its sealed cookie for a real order; not_found otherwise", async () => {
    const id = await newOrder();
    const { token } = await session(id);
    expect(token.length).toBeGreaterThan(20);
    await expectError(await handler(sessionRoute)(new Request(`${BASE}/pay/${UNKNOWN}/session`, { method: "POST" }), withId(UNKNOWN)), 404, "not_found");
  });

  it("check: refused without the session nonce, the public view with it", async () => {
    const id = await newOrder();
    const check = handler(checkRoute);
    const url = `${BASE}/pay/${id}/check`;
    await expectError(await check(new Request(url, { method: "POST" }), withId(id)), 403, "session_required");
    const { cookie, token } = await session(id);
    await expectError(await check(new Request(url, { method: "POST", headers: { cookie, [CSRF_HEADER]: "forged" } }), withId(id)), 403, "session_required");
    const ok = await check(new Request(url, { method: "POST", headers: { cookie, [CSRF_HEADER]: token } }), withId(id));
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(checkResponseSchema.parse(await ok.json()).data).toMatchObject({ order_id: id, status: "pending", type: "alipay", price: "1.00" });
    // The page token is bound to its order: the same session's token does not open another order's actions.
    const unknown = await check(new Request(`${BASE}/pay/${UNKNOWN}/check`, { method: "POST", headers: { cookie, [CSRF_HEADER]: token } }), withId(UNKNOWN));
    await expectError(unknown, 403, "session_required");
  });

  it("code and qrcode: PNGs of the payload and of pay_url for real orders, the JSON error otherwise", async () => {
    const id = await newOrder();
    for (const route of [payloadPngRoute, payUrlPngRoute]) {
      const png = await handler(route)(new Request(`${BASE}/pay/${id}/code`), withId(id));
      expect(png.headers.get("content-type")).toBe("image/png");
      expect([...new Uint8Array(await png.arrayBuffer()).slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
      await expectError(await handler(route)(new Request(`${BASE}/pay/${UNKNOWN}/code`), withId(UNKNOWN)), 404, "not_found");
    }
  });

  it("/pay/api?id= redirects to the page; a malformed id is not_found", async () => {
    const id = await newOrder();
    const res = await handler(payApiRoute)(new Request(`${BASE}/pay/api?id=${id}`));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${BASE}/pay/${id}`);
    await expectError(await handler(payApiRoute)(new Request(`${BASE}/pay/api?id=..%2Fx`)), 404, "not_found");
  });

  it("sandbox pay: same origin and nonce required, then pays the order once", async () => {
    const id = await newOrder();
    const pay = handler(sandboxPayRoute);
    const { cookie, token } = await session(id);
    const post = (body: string, headers: Record<string, string> = {}) =>
      pay(new Request(`${BASE}/api/sandbox/pay`, { method: "POST", body, headers: { "content-type": "application/json", cookie, [CSRF_HEADER]: token, ...headers } }));
    await expectError(await post(JSON.stringify({ order_id: id }), { origin: "https://evil.example" }), 403, "cross_origin");
    await expectError(await post(JSON.stringify({ order_id: id }), { [CSRF_HEADER]: "" }), 403, "session_required");
    await expectError(await post("{not json"), 400, "bad_request");
    await expectError(await post(JSON.stringify({ order: id })), 400, "bad_request");
    // A token is bound to its order (hardening): another order id is refused before it is even looked up.
    await expectError(await post(JSON.stringify({ order_id: UNKNOWN })), 403, "session_required");
    const sent = await post(JSON.stringify({ order_id: id }), { origin: BASE });
    expect(sandboxPayResponseSchema.parse(await sent.json()).data.result).toBe("sent");
    expect((await ctx.repos.orders.findOrderById(id))!.status).toBe("paid");
    // A form body works too; the second payment is acknowledged but kept for review, not credited again.
    const form = await post(new URLSearchParams({ order_id: id }).toString(), { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(200);
    const payments = await ctx.repos.payments.listPaymentsForOrder(id);
    expect(payments.map((p) => p.status).sort()).toEqual(["applied", "unmatched"]);
  });

  it("a known failure keeps its code; anything else is answered internal without details", async () => {
    const known = handler({ run: () => Promise.reject(new PayerError("bad_request", "nope")) });
    await expectError(await known(new Request(`${BASE}/x`)), 400, "bad_request");
    const broken = handler({ run: () => Promise.reject(new Error("secret detail")) });
    const res = await broken(new Request(`${BASE}/x`));
    await expectError(res.clone(), 500, "internal");
    expect(await res.text()).not.toContain("secret detail");
  });
});
