import "server-only";
import type { Db } from "./database";
import type { ConsoleAuditEntry } from "./records";

/** Appends one operator action (call inside the action's own transaction, so the log and the change commit together). */
export async function insertAuditEntry(db: Db, entry: Omit<ConsoleAuditEntry, "id">): Promise<void> {
  await db.insertInto("console_audit").values(entry).execute();
}

/**
 * The newest audit entries an operator may read: those about their merchants and their own (logins); `appkeys` null
 * reads everything.
 */
export async function listAuditEntries(
  db: Db,
  scope: { appkeys: readonly string[] | null; userName: string },
  page: { limit: number; offset: number },
): Promise<{ rows: ConsoleAuditEntry[]; total: number }> {
  let q = db.selectFrom("console_audit");
  if (scope.appkeys !== null) {
    const keys = scope.appkeys.length ? [...scope.appkeys] : [""];
    q = q.where((eb) =>
      eb.or([eb("appkey", "in", keys), eb.and([eb("appkey", "is", null), eb("user_name", "=", scope.userName)])]),
    );
  }
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("id", "desc").limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst(),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

/** One order's operator actions, oldest first (the order timeline). */
export async function listAuditForOrder(db: Db, orderId: string): Promise<ConsoleAuditEntry[]> {
  return db.selectFrom("console_audit").selectAll().where("order_id", "=", orderId).orderBy("id").execute();
}
