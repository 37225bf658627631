import "server-only";
import type { Selectable } from "kysely";
import type { Db } from "./database";
import type { DemoReceiptsTable } from "./schema";

export type DemoReceiptRow = Selectable<DemoReceiptsTable>;

export async function insertDemoReceipt(
  db: Db,
  r: { orderId: string; outOrderId: string; fields: Record<string, string>; verified: boolean; now: number },
): Promise<void> {
  await db
    .insertInto("demo_receipts")
    .values({
      order_id: r.orderId,
      out_order_id: r.outOrderId,
      fields: JSON.stringify(r.fields),
      verified: r.verified ? 1 : 0,
      received_at: r.now,
    })
    .execute();
}

export async function listDemoReceipts(db: Db, orderId: string): Promise<DemoReceiptRow[]> {
  return db.selectFrom("demo_receipts").selectAll().where("order_id", "=", orderId).orderBy("id").execute();
}
