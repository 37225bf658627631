import "server-only";
import type { AppContext } from "@/lib/context";
import { parseYuan } from "@/lib/money";
import {
  channelCanRefund,
  paidFenOf,
  RefundError,
  refundOrder,
  refundsOf,
  refundTotals,
  type RefundErrorKind,
  type RefundStatus,
  type RefundView,
} from "@/lib/orders/refunds";
import type { Order } from "@/lib/storage/records";
import { cleanReason, MAX_REASON, type ActionResult } from "./console-actions";
import { canSeeMerchant, type ConsoleScope } from "./console-scope";

/**
 * The order page's refund panel and the console's refund action (lib/orders/refunds.ts does the refunding). A
 * channel whose provider can refund by API pays back through it; a personal-code one cannot, so the operator returns
 * the money by hand and records it here ("recorded", with a note saying how).
 */
export interface RefundPanel {
  /** Only a paid order can be refunded. */
  refundable: boolean;
  /** `api`: the provider pays back; `manual`: the operator does, and records it. */
  mode: "api" | "manual";
  paidFen: number;
  refundedFen: number;
  remainingFen: number;
  refunds: RefundView[];
}

export async function refundPanel(ctx: AppContext, order: Order): Promise<RefundPanel> {
  const refunds = await refundsOf(ctx, order.id);
  const paidFen = order.status === "paid" ? paidFenOf(order) : 0;
  const totals = refundTotals(paidFen, refunds);
  return {
    refundable: order.status === "paid" && totals.netFen > 0,
    mode: channelCanRefund(ctx, order) ? "api" : "manual",
    paidFen,
    refundedFen: totals.refundedFen,
    remainingFen: totals.netFen,
    refunds,
  };
}

/** What the confirmation step shows: the amount asked, and what remains after it. */
export interface RefundPreview {
  amountFen: number;
  paidFen: number;
  refundedFen: number;
  remainingAfterFen: number;
}

/** Why a console refund was not done: the domain's kinds, plus the form's own checks. */
export type ConsoleRefundRefusal = RefundErrorKind | "reason_required" | "note_required";

/** Checks the form's amount against the panel before the confirmation is shown (the action checks again). */
export function previewRefund(
  panel: RefundPanel,
  amountYuan: string,
): { ok: true; preview: RefundPreview } | { ok: false; why: ConsoleRefundRefusal } {
  if (!panel.refundable) return { ok: false, why: "order-not-paid" };
  const amountFen = parseYuan(amountYuan.trim());
  if (amountFen === null || amountFen <= 0) return { ok: false, why: "amount-invalid" };
  if (amountFen > panel.remainingFen) return { ok: false, why: "exceeds-remaining" };
  return {
    ok: true,
    preview: {
      amountFen,
      paidFen: panel.paidFen,
      refundedFen: panel.refundedFen,
      remainingAfterFen: panel.remainingFen - amountFen,
    },
  };
}

export type ConsoleRefundResult =
  | ActionResult<RefundStatus>
  | { outcome: "refused"; why: ConsoleRefundRefusal }
  /** The refund as stored: its status, and the platform's reason when it failed. */
  | { outcome: "done"; status: RefundStatus; failure: string | null };

/**
 * The console's refund: scope first (another merchant's order is forbidden), a reason always, and for a manual
 * refund a note on how the money went back. The mode follows the channel, not the form: an operator cannot record a
 * "manual" refund on a channel that pays back by API, nor ask the API of one that cannot.
 */
export async function refundFromConsole(
  ctx: AppContext,
  scope: ConsoleScope,
  input: { orderId: string; amountYuan: string; reason: unknown; note: unknown },
): Promise<ConsoleRefundResult> {
  const order = await ctx.repos.orders.findOrderById(input.orderId);
  if (!order || order.status === "creating") return { outcome: "not_found" };
  if (!canSeeMerchant(scope, order.appkey)) return { outcome: "forbidden" };
  const reason = cleanReason(input.reason);
  if (!reason) return { outcome: "refused", why: "reason_required" };
  const mode = channelCanRefund(ctx, order) ? "api" : "manual";
  const note = typeof input.note === "string" ? input.note.trim().slice(0, MAX_REASON) : "";
  if (mode === "manual" && !note) return { outcome: "refused", why: "note_required" };
  const amountFen = parseYuan(input.amountYuan.trim());
  if (amountFen === null || amountFen <= 0) return { outcome: "refused", why: "amount-invalid" };
  try {
    const refund = await refundOrder(ctx, {
      orderId: order.id,
      amountFen,
      reason,
      note,
      actor: `console:${scope.userName}`,
      mode,
    });
    ctx.log.info({ user: scope.userName, orderId: order.id, amountFen, status: refund.status }, "console refund");
    return { outcome: "done", status: refund.status, failure: refund.failure };
  } catch (err) {
    if (err instanceof RefundError) return { outcome: "refused", why: err.kind };
    throw err;
  }
}
