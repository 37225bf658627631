import type { Selectable } from "kysely";
import { isPayType } from "@/lib/pay-types";
import type { Order } from "./records";
import type { OrdersTable } from "./schema";

/**
 * The stored order row ↔ the domain record, shared by every repository that reads orders (kept out of the *-repo.ts
 * modules, whose exports are all repository functions). `type` "" is an order still waiting for the payer's choice
 * of wallet (null in the record); any other unknown wallet is corrupt data, not something to guess about.
 */
export function toOrder(row: Selectable<OrdersTable>): Order {
  if (row.type !== "" && !isPayType(row.type))
    throw new Error(`order ${row.id} has an unknown pay type ${JSON.stringify(row.type)}`);
  return { ...row, type: row.type === "" ? null : row.type, free_amount: row.free_amount === 1, late: row.late === 1 };
}

export function toRow(order: Order): OrdersTable {
  return { ...order, type: order.type ?? "", free_amount: order.free_amount ? 1 : 0, late: order.late ? 1 : 0 };
}
