import "server-only";
import type { Db } from "./database";
import type { DemoReceipt } from "./records";

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

export async function listDemoReceipts(db: Db, orderId: string): Promise<DemoReceipt[]> {
  const rows = await db.selectFrom("demo_receipts").selectAll().where("order_id", "=", orderId).orderBy("id").execute();
  return rows.map((r) => ({ ...r, verified: r.verified === 1 }));
}
