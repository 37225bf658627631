import "server-only";
import type { Db } from "./database";

export interface AmountClaim {
  channelId: string;
  type: string;
  amountFen: number;
  orderId: string;
  now: number;
  /** Until when the order may still be paid: its expiry plus the merchant's late grace. */
  reservedUntil: number;
}

/**
 * Gives `amountFen` on (channel, wallet) to one order, or answers false when another open order holds it. The unique
 * key, not a prior SELECT, decides: two concurrent creates can never both win one amount. A held amount is taken
 * over only once its reservation ran out; the takeover is one conditional UPDATE on the row's own `reserved_until`
 * (no look at other tables, whose rows a racing statement may not see yet), so of two racing takeovers only one
 * matches. A paid order frees its amount at once (`releaseAmountsOf`); an expired or closed one keeps it until its
 * hold runs out, so a late payment of that amount still finds it (and goes to review, never to the next order).
 */
export async function reserveAmount(db: Db, c: AmountClaim): Promise<boolean> {
  const taken = await db
    .updateTable("amount_reservations")
    .set({ order_id: c.orderId, reserved_until: c.reservedUntil, created_at: c.now })
    .where("channel_id", "=", c.channelId)
    .where("type", "=", c.type)
    .where("amount_fen", "=", c.amountFen)
    .where("reserved_until", "<=", c.now)
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 1) return true;
  const inserted = await db
    .insertInto("amount_reservations")
    .values({
      channel_id: c.channelId,
      type: c.type,
      amount_fen: c.amountFen,
      order_id: c.orderId,
      reserved_until: c.reservedUntil,
      created_at: c.now,
    })
    .onConflict((oc) => oc.columns(["channel_id", "type", "amount_fen"]).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** The order currently holding an amount on (channel, wallet): the one a payment of exactly that amount credits. */
export async function findAmountHolder(
  db: Db,
  channelId: string,
  type: string,
  amountFen: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("amount_reservations")
    .select("order_id")
    .where("channel_id", "=", channelId)
    .where("type", "=", type)
    .where("amount_fen", "=", amountFen)
    .executeTakeFirst();
  return row?.order_id;
}

/** Frees whatever amount an order holds: it was paid, so no later payment of that amount can be its own. */
export async function releaseAmountsOf(db: Db, orderId: string): Promise<void> {
  await db.deleteFrom("amount_reservations").where("order_id", "=", orderId).execute();
}

/**
 * Frees what an order holds on one channel: that channel failed to make its code and the order moved on, so a
 * payment of that amount there is not this order's (and the amount is another order's to take).
 */
export async function releaseAmountsOnChannel(db: Db, orderId: string, channelId: string): Promise<void> {
  await db
    .deleteFrom("amount_reservations")
    .where("order_id", "=", orderId)
    .where("channel_id", "=", channelId)
    .execute();
}
