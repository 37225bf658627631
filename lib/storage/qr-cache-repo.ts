import "server-only";
import type { Db } from "./database";
import type { QrCode } from "./records";

/** How many free candidates one claim tries before giving up (each lost race moves on to the next one). */
const CLAIM_CANDIDATES = 5;

export interface ClaimQrCode {
  channelId: string;
  amountFen: number;
  orderId: string;
  now: number;
  /** How long a code stays lent to its order (10 minutes, docs/providers/sanwang.md#how-it-works). */
  lockMs: number;
}

/**
 * Lends a free cached code of this channel and amount to `orderId`, or returns undefined when none is free.
 *
 * A code is free when it was released (no holder), its holder order is gone (creation failed) or paid (its one
 * expected payment arrived and the page stopped showing it), or when both its lock is older than `lockMs`
 * (docs/providers/sanwang.md#how-it-works) and its holder expired at least `lockMs` ago — the latter so a code is never lent to a new order while
 * the core would still credit a late payment to the old one (the default grace period is also 10 minutes).
 *
 * The claim is a compare-and-swap on the holder and lock time that were read: two orders racing for the same code
 * both try the same UPDATE, exactly one matches a row, and the loser moves on. No transaction is held, so this is
 * safe on SQLite and on PostgreSQL (whose UPDATE re-checks its WHERE against the committed row).
 */
export async function claimFreeQrCode(db: Db, p: ClaimQrCode): Promise<QrCode | undefined> {
  const staleBefore = p.now - p.lockMs;
  const candidates = await db
    .selectFrom("qr_cache as q")
    .leftJoin("orders as o", "o.id", "q.order_id")
    .selectAll("q")
    .where("q.channel_id", "=", p.channelId)
    .where("q.amount_fen", "=", p.amountFen)
    .where((eb) =>
      eb.or([
        eb("q.order_id", "is", null),
        eb("o.id", "is", null),
        eb("o.status", "=", "paid"),
        eb.and([eb("q.locked_at", "<=", staleBefore), eb("o.expires_at", "<=", staleBefore)]),
      ]),
    )
    .orderBy("q.locked_at")
    .orderBy("q.id")
    .limit(CLAIM_CANDIDATES)
    .execute();

  for (const c of candidates) {
    const result = await db
      .updateTable("qr_cache")
      .set({ order_id: p.orderId, locked_at: p.now })
      .where("id", "=", c.id)
      .where("locked_at", "=", c.locked_at)
      .where((eb) => (c.order_id === null ? eb("order_id", "is", null) : eb("order_id", "=", c.order_id)))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return { ...c, order_id: p.orderId, locked_at: p.now };
  }
  return undefined;
}

/** Stores a freshly generated code, already lent to the order it was generated for. */
export async function insertLockedQrCode(
  db: Db,
  code: Omit<QrCode, "id" | "order_id"> & { order_id: string },
): Promise<QrCode> {
  const row = await db.insertInto("qr_cache").values(code).returning("id").executeTakeFirstOrThrow();
  return { ...code, id: Number(row.id) };
}

/** The code whose memo a payment carried: the memo is unique per channel. */
export async function findQrCodeByMemo(db: Db, channelId: string, memo: string): Promise<QrCode | undefined> {
  return db
    .selectFrom("qr_cache")
    .selectAll()
    .where("channel_id", "=", channelId)
    .where("memo", "=", memo)
    .executeTakeFirst();
}

/** Frees a code for reuse, only if `holderOrderId` still holds it (an operator's or a failed order's release). */
export async function releaseQrCode(db: Db, id: number, holderOrderId: string): Promise<boolean> {
  const result = await db
    .updateTable("qr_cache")
    .set({ order_id: null })
    .where("id", "=", id)
    .where("order_id", "=", holderOrderId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Every cached code of a channel (operators and tests). */
export async function listQrCodes(db: Db, channelId: string): Promise<QrCode[]> {
  return db.selectFrom("qr_cache").selectAll().where("channel_id", "=", channelId).orderBy("id").execute();
}
