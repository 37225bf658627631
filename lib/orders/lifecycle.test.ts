import { describe, expect, it } from "vitest";
import { canClose, decidePayment, effectiveStatus, expiresIn, lostRaceReason } from "./lifecycle";

const T0 = 1_800_000_000_000;
const GRACE = 600_000;
const order = (status: "creating" | "pending" | "paid" | "expired" | "closed", expiresAt = T0 + 300_000) => ({
  status,
  expires_at: expiresAt,
  pay_amount_fen: 1000,
  type: "alipay" as const,
});

describe("order state machine", () => {
  it("pending turns expired by the clock, before any sweeper", () => {
    expect(effectiveStatus(order("pending"), T0)).toBe("pending");
    expect(effectiveStatus(order("pending"), T0 + 300_000)).toBe("expired");
    expect(effectiveStatus(order("creating"), T0)).toBeNull();
    for (const s of ["paid", "expired", "closed"] as const) expect(effectiveStatus(order(s), T0)).toBe(s);
  });

  it.each([
    ["pending, exact amount, in time", order("pending"), 1000, T0, { action: "apply", late: false }],
    [
      "pending past expiry (sweeper not run yet), within grace",
      order("pending"),
      1000,
      T0 + 400_000,
      { action: "apply", late: true },
    ],
    ["expired, within grace", order("expired"), 1000, T0 + 300_000 + GRACE, { action: "apply", late: true }],
    [
      "expired, after grace",
      order("expired"),
      1000,
      T0 + 300_001 + GRACE,
      { action: "reject", reason: "grace_passed" },
    ],
    ["short payment", order("pending"), 999, T0, { action: "mismatch", reason: "amount_mismatch" }],
    ["over payment", order("pending"), 1001, T0, { action: "mismatch", reason: "amount_mismatch" }],
    ["already paid", order("paid"), 1000, T0, { action: "reject", reason: "order_paid" }],
    ["closed by the merchant", order("closed"), 1000, T0, { action: "reject", reason: "order_closed" }],
    ["still being created", order("creating"), 1000, T0, { action: "reject", reason: "order_not_ready" }],
  ] as const)("%s", (_name, o, amount, now, expected) => {
    expect(decidePayment(o, amount, now, GRACE)).toEqual(expected);
  });

  it("a payment the provider reports in another wallet is kept for review; one reporting none is not", () => {
    expect(decidePayment(order("pending"), 1000, T0, GRACE, "wxpay")).toEqual({
      action: "mismatch",
      reason: "type_mismatch",
    });
    expect(decidePayment(order("pending"), 1000, T0, GRACE, "alipay")).toEqual({ action: "apply", late: false });
    expect(decidePayment(order("pending"), 1000, T0, GRACE)).toEqual({ action: "apply", late: false });
  });

  it("a payment that lost the guarded update is labelled by the state that beat it", () => {
    expect(lostRaceReason({ status: "closed" })).toBe("order_closed");
    expect(lostRaceReason({ status: "paid" })).toBe("order_paid");
    expect(lostRaceReason(undefined)).toBe("order_not_ready");
  });

  it("expires_in rounds up and is 0 once not pending", () => {
    expect(expiresIn(order("pending"), T0)).toBe(300);
    expect(expiresIn(order("pending"), T0 + 299_001)).toBe(1);
    expect(expiresIn(order("pending"), T0 + 300_000)).toBe(0);
    expect(expiresIn(order("paid"), T0)).toBe(0);
  });

  it("only a live pending order can be closed", () => {
    expect(canClose(order("pending"), T0)).toBe(true);
    expect(canClose(order("pending"), T0 + 300_000)).toBe(false);
    expect(canClose(order("paid"), T0)).toBe(false);
  });
});
