import { describe, expect, it } from "vitest";
import type { Notification } from "@/lib/storage/records";
import { T0, testOrder } from "@/test/support/order-fixture";
import { testAppConfig } from "@/test/support/test-context";
import { differsFrom } from "./held-poll";
import { orderMessages } from "@/lib/merchant-api/registry";
import { buildMerchantView, buildPublicView } from "./order-views";

const merchant = testAppConfig().merchants[0]!;
const noReturn = { ...merchant, return_url: undefined };
const paid = testOrder({ status: "pending", paid_at: T0, expires_at: T0 + 300_000 });
paid.status = "paid";

function notification(status: Notification["status"]): Notification {
  return {
    id: 1,
    order_id: paid.id,
    url: "https://shop.example/notify",
    body: "",
    status,
    attempts: status === "delivered" ? 1 : 0,
    next_attempt_at: T0,
    lease_until: 0,
    lease_owner: null,
    created_at: T0,
    delivered_at: status === "delivered" ? T0 + 5 : null,
    updated_at: T0 + 5,
    method: "POST",
  };
}

describe("public view of a paid order: the way back to the shop", () => {
  it("neither way back nor settled while the shop has not answered and its 10 s are not up", () => {
    const view = buildPublicView(orderMessages, merchant, paid, notification("pending"), T0 + 2_000);
    expect(view.status).toBe("paid");
    expect(view.return_url).toBeUndefined();
    expect(view.settled).toBeUndefined();
    expect(differsFrom(view, "paid")).toBe(false);
  });

  it("the signed return_url once the shop acknowledged", () => {
    const view = buildPublicView(orderMessages, merchant, paid, notification("delivered"), T0 + 2_000);
    expect(view.return_url).toMatch(/^https:\/\/shop\.example\/return\?/);
    expect(view.settled).toBeUndefined();
    expect(differsFrom(view, "paid")).toBe(true);
  });

  it("settled when there is no page to go back to: after the acknowledgement, or after the 10 s", () => {
    for (const view of [
      buildPublicView(orderMessages, noReturn, paid, notification("delivered"), T0 + 2_000),
      buildPublicView(orderMessages, noReturn, paid, notification("pending"), T0 + 11_000),
    ]) {
      expect(view.return_url).toBeUndefined();
      expect(view.settled).toBe(true);
      // A held poll showing "paid" is answered at once, and the page stops asking.
      expect(differsFrom(view, "paid")).toBe(true);
    }
    expect(buildPublicView(orderMessages, noReturn, paid, notification("pending"), T0 + 2_000).settled).toBeUndefined();
  });
});

describe("the payer's and the merchant's views are built from one set of fields", () => {
  it("every field of the public view (but settled) is in the merchant view with the same value, in the same order", () => {
    for (const [n, at] of [
      [notification("pending"), T0 + 2_000],
      [notification("delivered"), T0 + 2_000],
      [undefined, T0 + 11_000],
    ] as const) {
      const pub = buildPublicView(orderMessages, merchant, paid, n, at);
      const mer = buildMerchantView(orderMessages, merchant, paid, n, at);
      const { settled: _settled, ...shared } = pub;
      expect(Object.keys(mer).slice(0, 6)).toEqual(Object.keys(shared).slice(0, 6));
      expect(mer).toMatchObject(shared);
    }
    const pending = testOrder({ status: "pending", expires_at: T0 + 300_000 });
    expect(buildMerchantView(orderMessages, merchant, pending, undefined, T0)).toMatchObject(
      buildPublicView(orderMessages, merchant, pending, undefined, T0),
    );
    expect(buildMerchantView(orderMessages, noReturn, paid, undefined, T0 + 11_000)).not.toHaveProperty("settled");
  });
});
