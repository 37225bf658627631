import "server-only";
import type { Db } from "./database";
import type { IssuedSignature } from "./records";

/**
 * The signatures that must not be used twice (migration 010, issue 17):
 * - `issued_signatures`: every signature Paydesk put into a message (a notify, a return URL). The merchant protocols
 *   sign concatenations without separators, so such a signature can often be re-read as a request of the same
 *   merchant (a 云端 return URL split into out_order_id + custom is a valid create); every signed endpoint refuses
 *   one found here. Rows are pruned by age.
 * - `request_signatures`: the create signature of every order. One signature makes at most one order per merchant,
 *   so fields moved across the concatenation (V免签's 15.00 → 5.00 digit shift) cannot make a second one.
 * Both key the signature lower-cased: shops may send uppercase hex and the comparison is case-insensitive.
 */

const keyOf = (sign: string) => sign.toLowerCase();

/**
 * Remembers signatures Paydesk issued for an order (call in the transaction that writes the message). Recording one
 * again refreshes its age, so a signature sent again later is kept as long as from its last sending.
 */
export async function recordIssuedSignatures(
  db: Db,
  r: { appkey: string; orderId: string; signs: readonly string[]; now: number },
): Promise<void> {
  const signs = [...new Set(r.signs.filter((s) => s !== "").map(keyOf))];
  if (signs.length === 0) return;
  await db
    .insertInto("issued_signatures")
    .values(signs.map((sign) => ({ sign, appkey: r.appkey, order_id: r.orderId, issued_at: r.now })))
    .onConflict((oc) => oc.column("sign").doUpdateSet({ issued_at: r.now }))
    .execute();
}

/** The issued signature equal to `sign` (case-insensitively), if Paydesk issued it and it was not pruned yet. */
export async function findIssuedSignature(db: Db, sign: string): Promise<IssuedSignature | undefined> {
  if (!sign) return undefined;
  return db.selectFrom("issued_signatures").selectAll().where("sign", "=", keyOf(sign)).executeTakeFirst();
}

/** Drops issued signatures older than `before` (ms); answers how many. */
export async function pruneIssuedSignatures(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom("issued_signatures").where("issued_at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Claims a create signature for an order. Answers the order id that holds it: `orderId` itself when the claim is
 * new (or already this order's), another order's id when that order claimed it first. The primary key decides, so
 * of two concurrent creates with one signature exactly one wins.
 */
export async function claimRequestSignature(
  db: Db,
  c: { appkey: string; sign: string; orderId: string; now: number },
): Promise<string> {
  const sign = keyOf(c.sign);
  await db
    .insertInto("request_signatures")
    .values({ appkey: c.appkey, sign, order_id: c.orderId, created_at: c.now })
    .onConflict((oc) => oc.columns(["appkey", "sign"]).doNothing())
    .execute();
  const row = await db
    .selectFrom("request_signatures")
    .select("order_id")
    .where("appkey", "=", c.appkey)
    .where("sign", "=", sign)
    .executeTakeFirst();
  return row?.order_id ?? c.orderId;
}

/**
 * Moves a claim from an order that no longer exists (its create failed upstream, or a crashed create's row was
 * swept) to `to`. Conditional on the holder still being `from`, so of two racing takeovers only one succeeds.
 */
export async function takeOverRequestSignature(
  db: Db,
  c: { appkey: string; sign: string; from: string; to: string; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable("request_signatures")
    .set({ order_id: c.to, created_at: c.now })
    .where("appkey", "=", c.appkey)
    .where("sign", "=", keyOf(c.sign))
    .where("order_id", "=", c.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
