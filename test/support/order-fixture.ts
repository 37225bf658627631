import { expect } from "vitest";
import type { Db } from "@/lib/storage/database";
import { activateOrder, insertCreatingOrder } from "@/lib/storage/orders-repo";
import type { Order } from "@/lib/storage/records";
import type { OrdersTable } from "@/lib/storage/schema";
import { orderRecord } from "./order-record";

/** The time repository tests start from. */
export const T0 = 1_800_000_000_000;

let seq = 0;

/** A `creating` order with unique ids, created at T0 with a five-minute TTL. */
export function testOrder(over: Partial<Order> = {}): Order {
  seq += 1;
  return orderRecord({
    id: `ORD${seq}${Math.random().toString(36).slice(2, 8)}`,
    out_order_id: `out-${seq}-${Math.random()}`,
    created_at: T0,
    expires_at: T0 + 300_000,
    updated_at: T0,
    ...over,
  });
}

/** Inserts `testOrder(over)` and activates it: a pending order with payload "qr". */
export async function insertPendingOrder(db: Db, over: Partial<Order> = {}): Promise<Order> {
  const o = testOrder(over);
  expect(await insertCreatingOrder(db, o)).toBe(true);
  await activateOrder(
    db,
    o.id,
    {
      payload: "qr",
      payAmountFen: o.pay_amount_fen,
      providerOrderId: o.provider_order_id ?? null,
      expiresAt: o.expires_at,
      freeAmount: false,
    },
    T0,
  );
  return o;
}

/**
 * An orders-table row for a raw insert (booleans as the 0/1 the table stores): a pending k1 order on channel c1,
 * created at `createdAt` with a five-minute TTL, then `over`.
 */
export function orderRow(id: string, createdAt: number, over: Partial<OrdersTable> = {}): OrdersTable {
  const order = testOrder({
    id,
    out_order_id: `out-${id}`,
    payload: "qr",
    status: "pending",
    created_at: createdAt,
    expires_at: createdAt + 300_000,
    updated_at: createdAt,
  });
  // The table's integers for the record's booleans (testOrder's type is always set).
  return { ...order, type: "alipay", free_amount: order.free_amount ? 1 : 0, late: order.late ? 1 : 0, ...over };
}
