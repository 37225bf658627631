import "server-only";
import type { PayType } from "@/lib/pay-types";
import type { Db } from "./database";
import type { Order, OrderStatus } from "./records";
import { toOrder, toRow } from "./order-rows";

/**
 * Inserts an order in `creating` state. The (appkey, out_order_id) unique key makes this the claim that keeps a
 * shop's retry or a double click from ever creating two orders; returns false when that key already exists.
 */
export async function insertCreatingOrder(db: Db, order: Order): Promise<boolean> {
  const result = await db
    .insertInto("orders")
    .values({ ...toRow(order), status: "creating" })
    .onConflict((oc) => oc.columns(["appkey", "out_order_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export interface ActivatedPayment {
  payload: string;
  payAmountFen: number;
  providerOrderId: string | null;
  expiresAt: number;
  freeAmount: boolean;
}

/** The columns an activation writes from the provider's answer (a fresh order's, or a chosen wallet's code). */
function activatedColumns(p: ActivatedPayment, now: number) {
  return {
    payload: p.payload,
    pay_amount_fen: p.payAmountFen,
    provider_order_id: p.providerOrderId,
    expires_at: p.expiresAt,
    free_amount: p.freeAmount ? 1 : 0,
    updated_at: now,
  };
}

/** creating → pending, once the provider gave a code. */
export async function activateOrder(db: Db, id: string, p: ActivatedPayment, now: number): Promise<void> {
  await db
    .updateTable("orders")
    .set({ status: "pending", ...activatedColumns(p, now) })
    .where("id", "=", id)
    .where("status", "=", "creating")
    .execute();
}

/** Moves an order that has no code yet to another channel (the first one had no room for it). */
export async function reassignCodelessOrder(db: Db, id: string, channelId: string): Promise<void> {
  await db
    .updateTable("orders")
    .set({ channel_id: channelId })
    .where("id", "=", id)
    .where("payload", "=", "")
    .execute();
}

/** Drops an order whose creation failed upstream, so nothing half-made stays behind and the shop may retry. */
export async function deleteCreatingOrder(db: Db, id: string): Promise<void> {
  await db.deleteFrom("orders").where("id", "=", id).where("status", "=", "creating").execute();
}

export async function findOrderById(db: Db, id: string): Promise<Order | undefined> {
  const row = await db.selectFrom("orders").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toOrder(row);
}

export async function findOrderByMerchantRef(db: Db, appkey: string, outOrderId: string): Promise<Order | undefined> {
  const row = await db
    .selectFrom("orders")
    .selectAll()
    .where("appkey", "=", appkey)
    .where("out_order_id", "=", outOrderId)
    .executeTakeFirst();
  return row && toOrder(row);
}

export async function findOrderByProviderOrderId(
  db: Db,
  channelId: string,
  providerOrderId: string,
): Promise<Order | undefined> {
  const row = await db
    .selectFrom("orders")
    .selectAll()
    .where("channel_id", "=", channelId)
    .where("provider_order_id", "=", providerOrderId)
    .executeTakeFirst();
  return row && toOrder(row);
}

/** Moves one order from `from` to `to` only if it is still in `from`; returns whether it moved. */
export async function transitionOrder(
  db: Db,
  id: string,
  from: readonly OrderStatus[],
  to: OrderStatus,
  now: number,
  extra: Partial<Pick<Order, "closed_at">> = {},
): Promise<boolean> {
  const result = await db
    .updateTable("orders")
    .set({ status: to, updated_at: now, ...extra })
    .where("id", "=", id)
    .where("status", "in", from)
    .executeTakeFirst();
  // A closed order keeps its V免签 amount until its own hold runs out (expiry plus the late grace), as an expired one
  // does: a payer who scanned before the close may still pay that amount, and the push must land on this order (for
  // review as order_closed), not credit the next order handed the same amount.
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Takes the right to ask the provider about a pending order now: succeeds for one caller per `intervalMs`, across
 * every instance on the database (a conditional update, so two racing callers cannot both win).
 */
export async function claimReconcileSlot(db: Db, id: string, now: number, intervalMs: number): Promise<boolean> {
  const result = await db
    .updateTable("orders")
    .set({ reconcile_asked_at: now })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("reconcile_asked_at", "is", null), eb("reconcile_asked_at", "<=", now - intervalMs)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * pending|expired → paid, guarded so that only one of two racing payments can win. An operator's credit from review
 * (merchant console) may also pay a closed order: `from` widens the guard, never to `paid`.
 */
export async function markOrderPaid(
  db: Db,
  id: string,
  p: { realFen: number; paidAt: number; late: boolean },
  from: readonly Exclude<OrderStatus, "paid" | "creating">[] = ["pending", "expired"],
): Promise<boolean> {
  const result = await db
    .updateTable("orders")
    .set({ status: "paid", real_fen: p.realFen, paid_at: p.paidAt, late: p.late ? 1 : 0, updated_at: p.paidAt })
    .where("id", "=", id)
    .where("status", "in", from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The sweeper: pending orders past their expiry become expired, and `creating` claims older than `staleBefore`
 * (a process that died while asking the provider) are dropped. Returns how many orders expired.
 */
export async function sweepOrders(db: Db, now: number, staleBefore: number): Promise<number> {
  const expired = await db
    .updateTable("orders")
    .set({ status: "expired", updated_at: now })
    .where("status", "=", "pending")
    .where("expires_at", "<=", now)
    .executeTakeFirst();
  await db.deleteFrom("orders").where("status", "=", "creating").where("created_at", "<", staleBefore).execute();
  return Number(expired.numUpdatedRows);
}

/** A customer's paid orders for one merchant, newest first. */
export async function listPaidOrdersByCustom(db: Db, appkey: string, custom: string, limit: number): Promise<Order[]> {
  const rows = await db
    .selectFrom("orders")
    .selectAll()
    .where("appkey", "=", appkey)
    .where("custom", "=", custom)
    .where("status", "=", "paid")
    .orderBy("paid_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(toOrder);
}

/** The channel of the merchant's most recent paid order (smart rotation avoids it). */
export async function lastPaidChannel(db: Db, appkey: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("orders")
    .select("channel_id")
    .where("appkey", "=", appkey)
    .where("status", "=", "paid")
    .orderBy("paid_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.channel_id;
}

/** Fen collected per channel since `since` (uniform rotation avoids the top collector of the day). */
export async function collectedSince(
  db: Db,
  channelIds: readonly string[],
  since: number,
): Promise<Map<string, number>> {
  if (channelIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("orders")
    .select((eb) => ["channel_id", eb.fn.sum<number>("real_fen").as("total")])
    .where("channel_id", "in", channelIds)
    .where("status", "=", "paid")
    .where("paid_at", ">=", since)
    .groupBy("channel_id")
    .execute();
  return new Map(rows.map((r) => [r.channel_id, Number(r.total ?? 0)]));
}

/** Orders a merchant created since `since` (the daily quota). */
export async function countOrdersSince(db: Db, appkey: string, since: number): Promise<number> {
  const row = await db
    .selectFrom("orders")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("appkey", "=", appkey)
    .where("created_at", ">=", since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The payer chose a wallet for an order that had none: takes the choice for one caller only (a double click or two
 * tabs race here), recording the wallet and the channel that will be asked for the code.
 */
export async function claimTypeChoice(
  db: Db,
  id: string,
  type: PayType,
  channelId: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("orders")
    .set({ type, channel_id: channelId, updated_at: now })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("type", "=", "")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The chosen wallet's code arrived: the order becomes an ordinary pending order with its code. */
export async function activateChosenOrder(db: Db, id: string, p: ActivatedPayment, now: number): Promise<boolean> {
  const result = await db
    .updateTable("orders")
    .set(activatedColumns(p, now))
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("payload", "=", "")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The provider failed for the chosen wallet: back to "choose", so the payer may try again or pick another. */
export async function releaseTypeChoice(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable("orders")
    .set({ type: "", channel_id: "", updated_at: now })
    .where("id", "=", id)
    .where("payload", "=", "")
    .execute();
}

/**
 * One page of a merchant's orders, newest first (epay's `act=orders`): `statuses` narrows it (all but `creating`
 * when absent). An offset page, as the protocol asks for one; the caller caps `limit` and `offset`.
 */
export async function listMerchantOrders(
  db: Db,
  appkey: string,
  page: { limit: number; offset: number; statuses?: readonly Exclude<OrderStatus, "creating">[] },
): Promise<Order[]> {
  if (page.statuses?.length === 0) return [];
  const base = db.selectFrom("orders").selectAll().where("appkey", "=", appkey);
  const query =
    page.statuses === undefined ? base.where("status", "!=", "creating") : base.where("status", "in", page.statuses);
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(toOrder);
}

/** Paid orders a merchant created in [from, to) (epay's `orders_today` and `orders_lastday`). */
export async function countPaidOrdersCreatedBetween(db: Db, appkey: string, from: number, to: number): Promise<number> {
  const row = await db
    .selectFrom("orders")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("appkey", "=", appkey)
    .where("status", "=", "paid")
    .where("created_at", ">=", from)
    .where("created_at", "<", to)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
