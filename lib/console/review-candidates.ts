import "server-only";
import type { AppContext } from "@/lib/context";
import type { Order, Payment } from "@/lib/storage/records";
import type { ConsoleScope } from "./console-scope";

/** How far back an order may have been created to be a candidate for a payment (a day: late payers included). */
export const CANDIDATE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** How far the amount to pay may be from what came in: 1 yuan or 5 %, whichever is more. */
export function candidateToleranceFen(amountFen: number): number {
  return Math.max(100, Math.round(amountFen * 0.05));
}

export interface ReviewItem {
  payment: Payment;
  /** What the payment's own order expected (its amount to pay), when the payment names one. */
  expectedFen: number | null;
  receivedFen: number;
  /** Orders it may belong to: same channel, not paid, recent, amount close (closest first). */
  candidates: Order[];
}

/**
 * A payment kept for review beside what it may have paid: the expected and received amounts side by side, and the
 * candidate orders (lib/storage/console-export-repo.ts `reviewCandidateOrders`) the operator may credit it to.
 */
export async function reviewItem(ctx: AppContext, scope: ConsoleScope, payment: Payment): Promise<ReviewItem> {
  const own = payment.order_id ? await ctx.repos.orders.findOrderById(payment.order_id) : undefined;
  const candidates = await ctx.repos.consoleExport.reviewCandidateOrders(
    {
      appkeys: scope.appkeys,
      channelId: payment.channel_id,
      amountFen: payment.amount_fen,
      toleranceFen: candidateToleranceFen(payment.amount_fen),
      since: payment.received_at - CANDIDATE_WINDOW_MS,
      until: payment.received_at,
    },
    5,
  );
  return {
    payment,
    expectedFen: own ? own.pay_amount_fen : null,
    receivedFen: payment.amount_fen,
    // Its own order first when it is one of them (the usual wrong-amount case).
    candidates: own
      ? [own, ...candidates.filter((o) => o.id !== own.id)].filter((o) => o.status !== "paid")
      : candidates,
  };
}
