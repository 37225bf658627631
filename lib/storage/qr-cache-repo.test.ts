import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, postgresUnavailableReason, type TestDialect } from "@/test/support/test-context";
import type { DatabaseHandle } from "./database";
import { activateOrder, deleteCreatingOrder, insertCreatingOrder, markOrderPaid } from "./orders-repo";
import type { Order } from "./records";
import { claimFreeQrCode, findQrCodeByMemo, insertLockedQrCode, listQrCodes, releaseQrCode } from "./qr-cache-repo";

const pgReason = await postgresUnavailableReason();
if (pgReason) console.warn(`qr-cache-repo: PostgreSQL suite skipped: ${pgReason}`);

const MIN = 60_000;
const LOCK = 10 * MIN;
const T0 = Date.UTC(2026, 10, 22, 4, 0, 0);

function orderRow(id: string, channel: string, createdAt: number, ttlMs = 5 * MIN): Order {
  return {
    id,
    appkey: "k1",
    out_order_id: `out-${id}`,
    custom: "",
    type: "wxpay",
    price_raw: "1.00",
    price_fen: 100,
    pay_amount_fen: 100,
    free_amount: false,
    request_sign: "s",
    channel_id: channel,
    provider_order_id: null,
    payload: "",
    status: "creating",
    late: false,
    real_fen: null,
    created_at: createdAt,
    expires_at: createdAt + ttlMs,
    paid_at: null,
    closed_at: null,
    reconcile_asked_at: null,
    updated_at: createdAt,
    protocol: "cloudpay",
    name: "",
    notify_url: null,
    return_url: null,
    request_digest: null,
  };
}

describe.each(["sqlite", "postgres"] as const)("qr cache repository (%s)", (dialect: TestDialect) => {
  describe.skipIf(dialect === "postgres" && pgReason !== null)("", () => {
    let handle: DatabaseHandle;
    let seq = 0;

    beforeAll(async () => {
      handle = await openTestDatabase(dialect);
    });
    afterAll(async () => {
      await handle?.close();
    });

    /** A pending order on `channel`, created at `at`. */
    async function pendingOrder(channel: string, at: number): Promise<string> {
      const id = `o${dialect[0]}${++seq}`;
      await insertCreatingOrder(handle.db, orderRow(id, channel, at));
      await activateOrder(
        handle.db,
        id,
        { payload: "x", payAmountFen: 100, providerOrderId: null, expiresAt: at + 5 * MIN, freeAmount: false },
        at,
      );
      return id;
    }

    async function code(channel: string, amountFen: number, holder: string, at: number, memo = `m${++seq}`) {
      return insertLockedQrCode(handle.db, {
        channel_id: channel,
        amount_fen: amountFen,
        memo,
        content: `wxp://f2f1${memo}`,
        order_id: holder,
        locked_at: at,
        created_at: at,
      });
    }

    const claim = (channelId: string, amountFen: number, orderId: string, now: number) =>
      claimFreeQrCode(handle.db, { channelId, amountFen, orderId, now, lockMs: LOCK });

    it("finds nothing to lend in an empty cache, and finds a stored code by its memo", async () => {
      expect(await claim("c-empty", 100, "nobody", T0)).toBeUndefined();
      const holder = await pendingOrder("c-memo", T0);
      const row = await code("c-memo", 100, holder, T0, "memo-1");
      expect(await findQrCodeByMemo(handle.db, "c-memo", "memo-1")).toMatchObject({
        id: row.id,
        order_id: holder,
        amount_fen: 100,
      });
      expect(await findQrCodeByMemo(handle.db, "other-channel", "memo-1")).toBeUndefined();
    });

    it("keeps the memo unique per channel", async () => {
      const holder = await pendingOrder("c-uniq", T0);
      await code("c-uniq", 100, holder, T0, "same");
      await expect(code("c-uniq", 100, holder, T0, "same")).rejects.toThrow();
      await expect(code("c-uniq-2", 100, holder, T0, "same")).resolves.toMatchObject({ memo: "same" });
    });

    it("does not lend a code while its order may still be paid, and lends it once the lock and the grace passed", async () => {
      const a = await pendingOrder("c-lock", T0);
      const row = await code("c-lock", 100, a, T0);
      const b = await pendingOrder("c-lock", T0 + MIN);
      expect(await claim("c-lock", 100, b, T0 + MIN)).toBeUndefined();
      // Lock 11 minutes old, but the holder expired (T0+5min) only 6 minutes ago: a late payment would still count.
      expect(await claim("c-lock", 100, b, T0 + 11 * MIN)).toBeUndefined();
      const lent = await claim("c-lock", 100, b, T0 + 16 * MIN);
      expect(lent).toMatchObject({ id: row.id, order_id: b, locked_at: T0 + 16 * MIN });
      expect(await claim("c-lock", 200, b, T0 + 60 * MIN)).toBeUndefined(); // other amounts never match
    });

    it("lends a code at once when its holder was paid, released, or is gone", async () => {
      const paid = await pendingOrder("c-free", T0);
      const paidCode = await code("c-free", 300, paid, T0);
      await markOrderPaid(handle.db, paid, { realFen: 300, paidAt: T0 + MIN, late: false });
      const next = await pendingOrder("c-free", T0 + 2 * MIN);
      expect(await claim("c-free", 300, next, T0 + 2 * MIN)).toMatchObject({ id: paidCode.id, order_id: next });

      const released = await pendingOrder("c-free", T0);
      const releasedCode = await code("c-free", 400, released, T0);
      expect(await releaseQrCode(handle.db, releasedCode.id, "not-the-holder")).toBe(false);
      expect(await releaseQrCode(handle.db, releasedCode.id, released)).toBe(true);
      expect(await claim("c-free", 400, next, T0 + 2 * MIN)).toMatchObject({ id: releasedCode.id, order_id: next });

      const gone = `o${dialect[0]}${++seq}`;
      await insertCreatingOrder(handle.db, orderRow(gone, "c-free", T0));
      const goneCode = await code("c-free", 500, gone, T0);
      await deleteCreatingOrder(handle.db, gone); // the provider failed after the code was lent
      expect(await claim("c-free", 500, next, T0 + 2 * MIN)).toMatchObject({ id: goneCode.id, order_id: next });
    });

    it("never lends one code to two orders claiming at the same time", async () => {
      const now = T0 + 30 * MIN;
      const codes = [];
      for (let i = 0; i < 3; i++) {
        const holder = await pendingOrder("c-race", T0);
        codes.push(await code("c-race", 700, holder, T0));
      }
      const claimants = await Promise.all(Array.from({ length: 8 }, () => pendingOrder("c-race", now)));
      const results = await Promise.all(claimants.map((id) => claim("c-race", 700, id, now)));
      const won = results.filter((r) => r !== undefined);
      expect(won).toHaveLength(3);
      expect(new Set(won.map((r) => r.id)).size).toBe(3);
      const rows = await listQrCodes(handle.db, "c-race");
      // Every code's holder is the claimant that was told it won it.
      for (const r of won) expect(rows.find((row) => row.id === r.id)?.order_id).toBe(r.order_id);
      expect(new Set(rows.map((r) => r.order_id)).size).toBe(3);
    });
  });
});
