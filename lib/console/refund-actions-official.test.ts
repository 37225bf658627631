import { describe, expect, it } from "vitest";
import { describeOnDatabases } from "@/test/support/databases";
import { signedCreateParams } from "@/test/support/merchant-client";
import { payThroughEmulator, useOfficialPaydesk } from "@/test/support/official-channels";
import { testConfigFile } from "@/test/support/test-context";
import { scopeFor, type ConsoleScope } from "./console-scope";
import { refundFromConsole, refundPanel } from "./refund-actions";

/**
 * The console's refund (lib/console/refund-actions.ts) on the official channels, end to end: an order paid through
 * the Alipay 当面付 / WeChat Pay v3 emulator's notify, refunded from the console by API, and a refund the platform
 * refuses shown failed with the platform's own reason, on both databases.
 */
describeOnDatabases("console refund on official channels", (dialect) => {
  const base = testConfigFile().merchants[0]!;
  let scope: ConsoleScope;
  const env = useOfficialPaydesk(dialect, {
    timeoutMs: 1_000,
    file: ({ channels }) => testConfigFile({ merchants: [{ ...base, channels: ["ali", "wx"] }], channels }),
    start: ({ ctx }) => {
      scope = scopeFor(ctx.config, { name: "ops", password_hash: "x", merchants: [base.appkey] });
    },
  });
  let n = 0;

  async function paidOrder(type: "alipay" | "wxpay", price: string): Promise<string> {
    const res = await fetch(`${env.paydesk.url}/api/cloudpay/create`, {
      method: "POST",
      body: new URLSearchParams(signedCreateParams({ price, type, out_order_id: `crf-${dialect}-${++n}` })),
    });
    const created = (await res.json()) as { code: number; msg: string; data: { order_id: string } };
    expect(created.code, created.msg).toBe(100);
    const orderId = created.data.order_id;
    await payThroughEmulator(env, type, orderId);
    return orderId;
  }
  const panelOf = async (orderId: string) => refundPanel(env.ctx, (await env.ctx.repos.orders.findOrderById(orderId))!);
  const refund = (orderId: string, amountYuan: string) =>
    refundFromConsole(env.ctx, scope, { orderId, amountYuan, reason: "顾客退货", note: "" });

  describe("Alipay 当面付", () => {
    it("refunds part then the rest by API; the panel and the platform agree", async () => {
      const orderId = await paidOrder("alipay", "5.00");
      const before = await panelOf(orderId);
      expect(before).toMatchObject({ refundable: true, mode: "api", paidFen: 500, remainingFen: 500 });
      expect(await refund(orderId, "2.00")).toEqual({ outcome: "done", status: "succeeded", failure: null });
      expect(await refund(orderId, "3.00")).toEqual({ outcome: "done", status: "succeeded", failure: null });
      expect(env.ali.order(orderId).refunds.map((r) => r.refund_amount)).toEqual([200, 300]);
      const after = await panelOf(orderId);
      expect(after).toMatchObject({ refundable: false, refundedFen: 500, remainingFen: 0 });
      expect(after.refunds.map((r) => [r.amountFen, r.status, r.actor])).toEqual([
        [200, "succeeded", "console:ops"],
        [300, "succeeded", "console:ops"],
      ]);
      expect(await refund(orderId, "0.01")).toEqual({ outcome: "refused", why: "exceeds-remaining" });
    });

    it("a refund Alipay refuses (balance short) is shown failed with Alipay's reason, and frees the amount", async () => {
      const orderId = await paidOrder("alipay", "2.00");
      env.ali.setBalance(50);
      const failed = await refund(orderId, "1.00");
      expect(failed).toMatchObject({ outcome: "done", status: "failed" });
      expect(failed.outcome === "done" && failed.failure).toContain("余额不足");
      const panel = await panelOf(orderId);
      expect(panel).toMatchObject({ refundable: true, refundedFen: 0, remainingFen: 200 });
      expect(panel.refunds).toEqual([
        expect.objectContaining({ status: "failed", amountFen: 100, failure: expect.stringContaining("余额不足") }),
      ]);
      expect(env.ali.order(orderId).refunds).toHaveLength(0);
    });
  });

  describe("WeChat Pay v3", () => {
    it("refunds in full by API; the panel shows it", async () => {
      const orderId = await paidOrder("wxpay", "3.00");
      const done = await refund(orderId, "3.00");
      expect(done).toEqual({ outcome: "done", status: "succeeded", failure: null });
      expect(env.wx.order(orderId).refunds).toEqual([expect.objectContaining({ refund: 300 })]);
      const panel = await panelOf(orderId);
      expect(panel).toMatchObject({ mode: "api", refundable: false, refundedFen: 300, remainingFen: 0 });
      expect(panel.refunds[0]!.providerRefundId).toMatch(/^5000/);
    });

    it("a refund WeChat Pay refuses (NOT_ENOUGH) is shown failed with WeChat Pay's reason", async () => {
      const orderId = await paidOrder("wxpay", "1.50");
      env.wx.setBalance(0);
      const failed = await refund(orderId, "1.00");
      expect(failed).toMatchObject({ outcome: "done", status: "failed" });
      expect(failed.outcome === "done" && failed.failure).toContain("余额不足");
      const panel = await panelOf(orderId);
      expect(panel).toMatchObject({ refundable: true, refundedFen: 0, remainingFen: 150 });
      expect(panel.refunds[0]).toMatchObject({ status: "failed", failure: expect.stringContaining("NOT_ENOUGH") });
      expect(env.wx.order(orderId).refunds).toHaveLength(0);
    });
  });
});
