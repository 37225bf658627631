import { afterAll, beforeAll, expect, it } from "vitest";
import { consoleOrderRoutes } from "@/lib/http/console-order-routes";
import type { PaymentProvider, RefundOutcome } from "@/lib/providers/types";
import type { DatabaseHandle } from "@/lib/storage/database";
import { markOrderPaid } from "@/lib/storage/orders-repo";
import { consolePasswordHash, consoleTestConfig } from "@/test/support/console-config";
import { describeOnDatabases } from "@/test/support/databases";
import { insertPendingOrder } from "@/test/support/order-fixture";
import { openTestDatabase, testContext, type TestContext } from "@/test/support/test-context";
import { CONSOLE_COOKIE, startConsoleSession } from "./console-session";
import { previewRefund, refundPanel } from "./refund-actions";

describeOnDatabases("console order operations", (dialect) => {
  let db: DatabaseHandle;
  let ctx: TestContext;
  let apiCtx: TestContext;
  let cookie = "";
  let csrf = "";
  const refundCalls: number[] = [];
  let answer: RefundOutcome = { kind: "succeeded" };
  const refunding: PaymentProvider = {
    createPayment: () => Promise.reject(new Error("unused")),
    parseNotify: () => Promise.reject(new Error("unused")),
    retryAck: { status: 500, body: "fail" },
    refund: async (input) => {
      refundCalls.push(input.amountFen);
      return answer;
    },
  };

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    const config = consoleTestConfig([{ name: "ops", password_hash: consolePasswordHash, merchants: ["k1"] }]);
    ctx = testContext(db, config);
    apiCtx = testContext(db, config, { provider: () => refunding });
    const { sealed, session } = await startConsoleSession(ctx, config.consoleUsers[0]!);
    cookie = `${CONSOLE_COOKIE}=${sealed}`;
    csrf = session.csrf;
  });
  afterAll(() => db.close());

  async function paid(over: { appkey?: string; channel_id?: string; fen?: number } = {}) {
    const fen = over.fen ?? 1000;
    const o = await insertPendingOrder(db.db, {
      appkey: over.appkey ?? "k1",
      channel_id: over.channel_id ?? "a",
      price_fen: fen,
      pay_amount_fen: fen,
    });
    expect(await markOrderPaid(db.db, o.id, { realFen: fen, paidAt: o.created_at + 1, late: false })).toBe(true);
    return (await ctx.repos.orders.findOrderById(o.id))!;
  }

  function post(c: TestContext, route: "refundRoute" | "closeRoute" | "noteRoute", fields: Record<string, string>) {
    const handler = consoleOrderRoutes(() => Promise.resolve(c))[route];
    return handler(
      new Request("http://paydesk.test/console/orders/x/op", {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: "http://paydesk.test" },
        body: new URLSearchParams({ csrf, ...fields }),
      }),
    );
  }
  const opOf = (res: Response) => {
    const loc = new URL(res.headers.get("location") ?? "/", "http://x");
    return { op: loc.searchParams.get("op"), why: loc.searchParams.get("why") };
  };

  it("a refund without the session's CSRF token is refused and records nothing", async () => {
    const o = await paid();
    const res = await post(ctx, "refundRoute", { order_id: o.id, amount: "1.00", reason: "r", note: "n", csrf: "x" });
    expect(res.status).toBe(403);
    expect(await ctx.repos.refunds.listRefundsForOrder(o.id)).toEqual([]);
  });

  it("a personal-code channel records a manual refund only with a note, audited", async () => {
    const o = await paid({ fen: 500 });
    expect((await refundPanel(ctx, o)).mode).toBe("manual");
    const noNote = await post(ctx, "refundRoute", { order_id: o.id, amount: "2.00", reason: "退货", note: "" });
    expect(opOf(noNote)).toEqual({ op: "refund_refused", why: "note_required" });
    const noReason = await post(ctx, "refundRoute", { order_id: o.id, amount: "2.00", reason: " ", note: "转账" });
    expect(opOf(noReason)).toEqual({ op: "refund_refused", why: "reason_required" });
    const ok = await post(ctx, "refundRoute", { order_id: o.id, amount: "2.00", reason: "退货", note: "微信转账" });
    expect(ok.status).toBe(303);
    expect(opOf(ok).op).toBe("refund_recorded");
    const [r] = await ctx.repos.refunds.listRefundsForOrder(o.id);
    expect(r).toMatchObject({ status: "recorded", amount_fen: 200, note: "微信转账", actor: "console:ops" });
    const audit = await ctx.repos.consoleAudit.listAuditForOrder(o.id);
    expect(audit).toEqual([expect.objectContaining({ action: "refund", user_name: "ops", reason: "退货" })]);
    const over = await post(ctx, "refundRoute", { order_id: o.id, amount: "3.01", reason: "退货", note: "转账" });
    expect(opOf(over)).toEqual({ op: "refund_refused", why: "exceeds-remaining" });
    const bad = await post(ctx, "refundRoute", { order_id: o.id, amount: "1.001", reason: "退货", note: "转账" });
    expect(opOf(bad)).toEqual({ op: "refund_refused", why: "amount-invalid" });
    expect(await ctx.repos.refunds.listRefundsForOrder(o.id)).toHaveLength(1);
  });

  it("a channel that refunds by API is asked once, and the panel shows what remains", async () => {
    const o = await paid({ fen: 1000 });
    answer = { kind: "succeeded" };
    const res = await post(apiCtx, "refundRoute", { order_id: o.id, amount: "4.00", reason: "部分退款", note: "" });
    expect(opOf(res).op).toBe("refund_succeeded");
    expect(refundCalls).toEqual([400]);
    const panel = await refundPanel(apiCtx, o);
    expect(panel).toMatchObject({ mode: "api", paidFen: 1000, refundedFen: 400, remainingFen: 600, refundable: true });
    expect(previewRefund(panel, "6.00")).toEqual({
      ok: true,
      preview: { amountFen: 600, paidFen: 1000, refundedFen: 400, remainingAfterFen: 0 },
    });
    expect(previewRefund(panel, "6.01")).toEqual({ ok: false, why: "exceeds-remaining" });
    answer = { kind: "failed", reason: "余额不足" };
    const failed = await post(apiCtx, "refundRoute", { order_id: o.id, amount: "6.00", reason: "余下", note: "" });
    expect(opOf(failed).op).toBe("refund_failed");
    expect((await refundPanel(apiCtx, o)).remainingFen).toBe(600);
    expect(refundCalls).toEqual([400, 600]);
  });

  it("another merchant's order is forbidden for every operation", async () => {
    const o = await paid({ appkey: "k2", channel_id: "b" });
    for (const route of ["refundRoute", "closeRoute", "noteRoute"] as const) {
      const res = await post(ctx, route, { order_id: o.id, amount: "1.00", reason: "r", note: "n" });
      expect(res.status).toBe(403);
    }
    expect(await ctx.repos.refunds.listRefundsForOrder(o.id)).toEqual([]);
    expect(await ctx.repos.consoleAudit.listAuditForOrder(o.id)).toEqual([]);
  });

  it("closes a pending order once, with its reason; a paid order cannot be closed", async () => {
    const pending = await insertPendingOrder(db.db, { appkey: "k1", channel_id: "a", expires_at: ctx.now() + 600_000 });
    const noReason = await post(ctx, "closeRoute", { order_id: pending.id, reason: "" });
    expect(opOf(noReason).op).toBe("reason_required");
    const res = await post(ctx, "closeRoute", { order_id: pending.id, reason: "客户取消" });
    expect(opOf(res).op).toBe("closed");
    expect((await ctx.repos.orders.findOrderById(pending.id))?.status).toBe("closed");
    expect(opOf(await post(ctx, "closeRoute", { order_id: pending.id, reason: "again" })).op).toBe("not_pending");
    const p = await paid();
    expect(opOf(await post(ctx, "closeRoute", { order_id: p.id, reason: "x" })).op).toBe("not_pending");
    expect((await ctx.repos.orders.findOrderById(p.id))?.status).toBe("paid");
    const audit = await ctx.repos.consoleAudit.listAuditForOrder(pending.id);
    expect(audit).toEqual([expect.objectContaining({ action: "close", reason: "客户取消" })]);
  });

  it("keeps a note on an order in its audit trail", async () => {
    const o = await paid();
    expect(opOf(await post(ctx, "noteRoute", { order_id: o.id, note: "" })).op).toBe("reason_required");
    expect(opOf(await post(ctx, "noteRoute", { order_id: o.id, note: "客户来电确认" })).op).toBe("noted");
    const audit = await ctx.repos.consoleAudit.listAuditForOrder(o.id);
    expect(audit).toEqual([expect.objectContaining({ action: "note", reason: "客户来电确认", user_name: "ops" })]);
  });
});
