import "server-only";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import type { Order } from "@/lib/storage/records";
import type { Repositories } from "@/lib/storage/repositories";
import { OrderError } from "./order-errors";

/**
 * How long a signature Paydesk issued stays refused as a request signature, counted from when it was last written.
 * 30 days: the notify schedule retries for about 24 h, the payer follows the return URL within minutes, and an
 * operator's resend or a late 补单 happens within days, so a month covers every time Paydesk itself hands the
 * signature out, with a wide margin; rows older than that are pruned by the sweeper (lib/background.ts). An older
 * signature that someone kept (a shop's access log) still cannot make more than one order: every create signature
 * is claimed for good (`request_signatures`, never pruned, like the orders themselves).
 */
export const ISSUED_SIGNATURE_RETENTION_MS = 30 * 86_400_000;

/**
 * Whether Paydesk itself issued `sign` (in a notify or a return URL). Every signed endpoint of every protocol asks,
 * after the signature verified, and answers its protocol's bad-signature error when so: the protocols sign
 * concatenations without separators, so what Paydesk signed for one message can verify as a request.
 */
export async function issuedByPaydesk(ctx: AppContext, sign: string): Promise<boolean> {
  return (await ctx.repos.signatures.findIssuedSignature(sign)) !== undefined;
}

/**
 * Remembers the signatures a paid order's messages carry (its notify, its return URL), inside the transaction that
 * writes the notification: both are fixed from the moment the order is paid, so the return URL, built whenever the
 * page asks, carries the signature recorded here.
 */
export async function recordIssuedSignatures(
  ctx: Pick<AppContext, "messages">,
  tx: Repositories,
  merchant: Merchant | undefined,
  order: Order,
  now: number,
): Promise<void> {
  if (!merchant) return;
  await tx.signatures.recordIssuedSignatures({
    appkey: order.appkey,
    orderId: order.id,
    signs: ctx.messages.issuedSignatures(merchant, order),
    now,
  });
}

/** How many vanished holders one create steps over before it gives up (each is a failed or crashed create). */
const MAX_TAKEOVERS = 5;

/**
 * Inserts the `creating` row and claims its create signature in one transaction, so neither exists without the
 * other. False when an identical request inserted its row first (the caller reads that one). A signature held by an
 * existing order is refused (the transaction rolls back); one whose order is gone (its create failed upstream and
 * was deleted, or a crashed create was swept) is taken over, so the shop's retry of a failed create still works.
 */
export async function insertClaimingSignature(ctx: AppContext, row: Order): Promise<boolean> {
  return ctx.withTransaction(async (tx) => {
    if (!(await tx.orders.insertCreatingOrder(row))) return false;
    if (!row.request_sign) return true;
    const claim = { appkey: row.appkey, sign: row.request_sign, now: row.created_at };
    let holder = await tx.signatures.claimRequestSignature({ ...claim, orderId: row.id });
    for (let i = 0; holder !== row.id; i++) {
      if (i >= MAX_TAKEOVERS || (await tx.orders.findOrderById(holder))) throw new OrderError("signature-used");
      if (await tx.signatures.takeOverRequestSignature({ ...claim, from: holder, to: row.id })) return true;
      holder = await tx.signatures.claimRequestSignature({ ...claim, orderId: row.id });
    }
    return true;
  });
}
