import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PaymentProvider, RefundInput, RefundOutcome } from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/types";
import { markOrderPaid } from "@/lib/storage/orders-repo";
import { merchantOrderView } from "./order-views";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import { startPayjsEmulator, type PayjsEmulator } from "@/test/support/emulators";
import { insertPendingOrder } from "@/test/support/order-fixture";
import { startProviderHarness, type ProviderHarness } from "@/test/support/provider-test-harness";
import { testContext, type TestContext } from "@/test/support/test-context";
import {
  findRefund,
  REFUND_RETRY_AFTER_MS,
  RefundError,
  refundOrder,
  refundsOf,
  refundTotals,
  retryRequestedRefunds,
  type RefundErrorKind,
} from "./refunds";

/** A provider whose refund answers what the test says, recording every call. */
function refundingProvider(answer: (input: RefundInput) => Promise<RefundOutcome>) {
  const calls: RefundInput[] = [];
  const provider: PaymentProvider = {
    createPayment: () => Promise.reject(new Error("unused")),
    parseNotify: () => Promise.reject(new Error("unused")),
    retryAck: { status: 500, body: "fail" },
    refund: (input) => {
      calls.push(input);
      return answer(input);
    },
  };
  return { provider, calls };
}

async function expectKind(p: Promise<unknown>, kind: RefundErrorKind): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RefundError);
  expect((err as RefundError).kind).toBe(kind);
}

describeOnDatabases("refunds", (dialect) => {
  const db = useTestDatabase(dialect);
  let answer: (input: RefundInput) => Promise<RefundOutcome> = async () => ({ kind: "succeeded" });
  const fake = refundingProvider((input) => answer(input));
  let ctx: TestContext;
  let personal: TestContext;
  beforeAll(() => {
    ctx = testContext(db, undefined, { provider: () => fake.provider });
    // The sandbox channel's own provider: no refund by API, as the personal-code ones.
    personal = testContext(db);
  });

  async function paidOrder(fen = 1000) {
    const o = await insertPendingOrder(db.db, { channel_id: "sandbox", price_fen: fen, pay_amount_fen: fen });
    expect(await markOrderPaid(db.db, o.id, { realFen: fen, paidAt: o.created_at + 1, late: false })).toBe(true);
    return o;
  }
  const base = { reason: "客户要求", actor: "api:cloudpay:k1", mode: "api" as const };

  it("refunds part of a paid order, then the rest; the totals follow", async () => {
    answer = async () => ({ kind: "succeeded", providerRefundId: "P1" });
    const o = await paidOrder(1000);
    const first = await refundOrder(ctx, { ...base, orderId: o.id, refundNo: "A1", amountFen: 300 });
    expect(first).toMatchObject({ status: "succeeded", amountFen: 300, providerRefundId: "P1", refundNo: "A1" });
    const second = await refundOrder(ctx, { ...base, orderId: o.id, refundNo: "A2", amountFen: 700 });
    expect(second.status).toBe("succeeded");
    await expectKind(refundOrder(ctx, { ...base, orderId: o.id, refundNo: "A3", amountFen: 1 }), "exceeds-remaining");
    const list = await refundsOf(ctx, o.id);
    expect(list.map((r) => r.refundNo)).toEqual(["A1", "A2"]);
    expect(refundTotals(1000, list)).toEqual({ paidFen: 1000, refundedFen: 1000, netFen: 0 });
    // The merchant's view of the order says it too.
    const view = await merchantOrderView(ctx, (await ctx.repos.orders.findOrderById(o.id))!);
    expect(view).toMatchObject({ realprice: "10.00", refunded: "10.00", net: "0.00" });
  });

  it("a repeat with the same number and amount answers the same refund and asks the provider once", async () => {
    answer = async () => ({ kind: "succeeded" });
    const o = await paidOrder(500);
    const before = fake.calls.length;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => refundOrder(ctx, { ...base, orderId: o.id, refundNo: "SAME", amountFen: 200 })),
    );
    expect(new Set(results.map((r) => r.refundNo))).toEqual(new Set(["SAME"]));
    expect(fake.calls.length - before).toBe(1);
    expect(await refundsOf(ctx, o.id)).toHaveLength(1);
    await expectKind(
      refundOrder(ctx, { ...base, orderId: o.id, refundNo: "SAME", amountFen: 201 }),
      "refund-no-conflict",
    );
  });

  it("refuses each bad request with its kind and records nothing", async () => {
    const o = await paidOrder(100);
    await expectKind(refundOrder(ctx, { ...base, orderId: "NOPE", amountFen: 1 }), "order-not-found");
    const pending = await insertPendingOrder(db.db, { channel_id: "sandbox" });
    await expectKind(refundOrder(ctx, { ...base, orderId: pending.id, amountFen: 1 }), "order-not-paid");
    for (const amountFen of [0, -1, 1.5, Number.NaN]) {
      await expectKind(refundOrder(ctx, { ...base, orderId: o.id, amountFen }), "amount-invalid");
    }
    await expectKind(refundOrder(ctx, { ...base, orderId: o.id, refundNo: "含 空格", amountFen: 1 }), "amount-invalid");
    await expectKind(refundOrder(ctx, { ...base, orderId: o.id, amountFen: 101 }), "exceeds-remaining");
    await expectKind(refundOrder(personal, { ...base, orderId: o.id, amountFen: 100 }), "channel-cannot-refund");
    expect(await refundsOf(ctx, o.id)).toEqual([]);
    expect(await refundsOf(ctx, pending.id)).toEqual([]);
  });

  it("a manual refund on a personal-code channel is recorded with its note, audited, without any provider", async () => {
    const o = await paidOrder(800);
    const r = await refundOrder(personal, {
      orderId: o.id,
      amountFen: 800,
      reason: "重复付款",
      note: "已微信转账退回",
      actor: "console:ops",
      mode: "manual",
    });
    expect(r).toMatchObject({ status: "recorded", note: "已微信转账退回", actor: "console:ops" });
    const audit = await personal.repos.consoleAudit.listAuditForOrder(o.id);
    expect(audit).toEqual([expect.objectContaining({ action: "refund", user_name: "ops", reason: "重复付款" })]);
    await expectKind(
      refundOrder(personal, { ...base, mode: "manual", orderId: o.id, amountFen: 1 }),
      "exceeds-remaining",
    );
  });

  it("a failed refund keeps the platform's reason and frees the amount", async () => {
    answer = async () => ({ kind: "failed", reason: "余额不足" });
    const o = await paidOrder(300);
    const r = await refundOrder(ctx, { ...base, orderId: o.id, refundNo: "F", amountFen: 300 });
    expect(r).toMatchObject({ status: "failed", failure: "余额不足" });
    expect(refundTotals(300, await refundsOf(ctx, o.id)).refundedFen).toBe(0);
    answer = async () => ({ kind: "succeeded" });
    const again = await refundOrder(ctx, { ...base, orderId: o.id, refundNo: "G", amountFen: 300 });
    expect(again.status).toBe("succeeded");
  });

  it("a lost answer stays requested and the background pass settles it", async () => {
    answer = async () => {
      throw new UpstreamError("ECONNRESET");
    };
    const o = await paidOrder(400);
    const r = await refundOrder(ctx, { ...base, orderId: o.id, refundNo: "L", amountFen: 400 });
    expect(r.status).toBe("requested");
    await expectKind(refundOrder(ctx, { ...base, orderId: o.id, refundNo: "L2", amountFen: 1 }), "exceeds-remaining");
    answer = async () => ({ kind: "succeeded", providerRefundId: "PL" });
    ctx.clock.advance(REFUND_RETRY_AFTER_MS + 1);
    expect(await retryRequestedRefunds(ctx)).toBeGreaterThanOrEqual(1);
    expect(await findRefund(ctx, o.id, "L")).toMatchObject({ status: "succeeded", providerRefundId: "PL" });
    // The retry named the same refund.
    expect(fake.calls.filter((c) => c.refundNo === "L")).toHaveLength(2);
  });
});

describe("refunds through PAYJS (emulator)", () => {
  let emu: PayjsEmulator;
  let h: ProviderHarness;
  beforeAll(async () => {
    emu = await startPayjsEmulator({ mchid: "m1", key: "pj-key" });
    h = await startProviderHarness([
      {
        id: "pj1",
        provider: "payjs",
        types: ["wxpay"],
        base_url: emu.baseUrl,
        mchid: "m1",
        key: "pj-key",
        timeout_ms: 500,
      },
    ]);
  });
  afterAll(async () => {
    await h.close();
    await emu.close();
  });

  async function paidPayjsOrder(ref: string) {
    const created = await h.create({ price: "10.00", type: "wxpay", out_order_id: ref });
    expect(created.code).toBe(100);
    const orderId = created.data!.order_id!;
    await emu.pay(orderId);
    expect((await h.order(orderId))!.status).toBe("paid");
    return orderId;
  }
  const req = { reason: "退货", actor: "console:ops", mode: "api" as const };

  it("a full refund reaches PAYJS once, signed, even when asked twice", async () => {
    const orderId = await paidPayjsOrder("pj-refund-1");
    const a = await refundOrder(h.ctx, { ...req, orderId, refundNo: "R1", amountFen: 1000 });
    const b = await refundOrder(h.ctx, { ...req, orderId, refundNo: "R1", amountFen: 1000 });
    expect(a).toMatchObject({ status: "succeeded", providerRefundId: emu.order(orderId).payjs_order_id });
    expect(b.status).toBe("succeeded");
    const calls = emu.refunds.filter((c) => c.payjs_order_id === emu.order(orderId).payjs_order_id);
    expect(calls).toEqual([expect.objectContaining({ signatureValid: true, refunded: true })]);
    expect(emu.order(orderId).refunded).toBe(true);
  });

  it("PAYJS refunds whole orders only: a partial refund fails without asking it", async () => {
    const orderId = await paidPayjsOrder("pj-refund-2");
    const before = emu.refunds.length;
    const r = await refundOrder(h.ctx, { ...req, orderId, amountFen: 100 });
    expect(r.status).toBe("failed");
    expect(r.failure).toContain("整单");
    expect(emu.refunds.length).toBe(before);
  });

  it("a lost PAYJS answer stays requested; the background pass asks again and PAYJS refunds once", async () => {
    const orderId = await paidPayjsOrder("pj-refund-4");
    emu.setFaults({ delayMs: 800 });
    try {
      const r = await refundOrder(h.ctx, { ...req, orderId, refundNo: "T1", amountFen: 1000 });
      expect(r.status).toBe("requested");
    } finally {
      emu.setFaults({ delayMs: 0 });
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    h.ctx.clock.advance(REFUND_RETRY_AFTER_MS + 1);
    await retryRequestedRefunds(h.ctx);
    expect(await findRefund(h.ctx, orderId, "T1")).toMatchObject({ status: "succeeded" });
    const calls = emu.refunds.filter((c) => c.payjs_order_id === emu.order(orderId).payjs_order_id);
    expect(calls).toHaveLength(2);
    expect(calls.filter((c) => c.refunded)).toHaveLength(1);
  });

  it("a refusal by PAYJS is stored as failed with its message, and the amount is free again", async () => {
    const orderId = await paidPayjsOrder("pj-refund-3");
    emu.setRefundFailure("余额不足");
    try {
      const r = await refundOrder(h.ctx, { ...req, orderId, refundNo: "F1", amountFen: 1000 });
      expect(r).toMatchObject({ status: "failed", failure: "PAYJS：余额不足" });
    } finally {
      emu.setRefundFailure(null);
    }
    expect(emu.order(orderId).refunded).toBe(false);
    const ok = await refundOrder(h.ctx, { ...req, orderId, refundNo: "F1", amountFen: 1000 });
    expect(ok.status).toBe("succeeded");
    expect(emu.order(orderId).refunded).toBe(true);
  });
});
