import type { Kysely } from "kysely";
import { expect, it } from "vitest";
import { describeOnDatabases, useTestDatabase } from "@/test/support/databases";
import {
  claimRequestSignature,
  findIssuedSignature,
  pruneIssuedSignatures,
  recordIssuedSignatures,
  takeOverRequestSignature,
} from "./issued-signatures-repo";
import { migrations } from "./migrations";
import { insertCreatingOrder } from "./orders-repo";
import type { Order } from "./records";

const T0 = Date.UTC(2026, 11, 1, 4, 0, 0);
const S1 = "0123456789abcdef0123456789abcdef";
const S2 = "fedcba9876543210fedcba9876543210";

function order(id: string, outOrderId: string, requestSign: string): Order {
  return {
    id,
    appkey: "k1",
    out_order_id: outOrderId,
    custom: "",
    type: "alipay",
    price_raw: "1.00",
    price_fen: 100,
    pay_amount_fen: 100,
    free_amount: false,
    request_sign: requestSign,
    channel_id: "sandbox",
    provider_order_id: null,
    payload: "",
    status: "creating",
    late: false,
    real_fen: null,
    created_at: T0,
    expires_at: T0 + 300_000,
    paid_at: null,
    closed_at: null,
    reconcile_asked_at: null,
    updated_at: T0,
    protocol: "cloudpay",
    name: "",
    notify_url: null,
    return_url: null,
    request_digest: null,
  };
}

describeOnDatabases("issued and request signatures (migration 010)", (dialect) => {
  const h = useTestDatabase(dialect);

  it("remembers issued signatures case-insensitively, refreshes them when issued again, prunes them by age", async () => {
    await recordIssuedSignatures(h.db, { appkey: "k1", orderId: "O1", signs: [S1.toUpperCase(), S1, ""], now: T0 });
    expect(await findIssuedSignature(h.db, S1)).toEqual({ sign: S1, appkey: "k1", order_id: "O1", issued_at: T0 });
    expect(await findIssuedSignature(h.db, S1.toUpperCase())).toMatchObject({ order_id: "O1" });
    expect(await findIssuedSignature(h.db, S2)).toBeUndefined();
    expect(await findIssuedSignature(h.db, "")).toBeUndefined();

    await recordIssuedSignatures(h.db, { appkey: "k1", orderId: "O2", signs: [S2], now: T0 + 10 });
    // S1 sent again later (a resend): its age starts over.
    await recordIssuedSignatures(h.db, { appkey: "k1", orderId: "O1", signs: [S1], now: T0 + 20 });
    expect(await pruneIssuedSignatures(h.db, T0 + 15)).toBe(1);
    expect(await findIssuedSignature(h.db, S2)).toBeUndefined();
    expect(await findIssuedSignature(h.db, S1)).toMatchObject({ issued_at: T0 + 20 });
  });

  it("one create signature, one order per merchant; a vanished holder's claim is taken over once", async () => {
    const sign = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    expect(await claimRequestSignature(h.db, { appkey: "k1", sign, orderId: "A", now: T0 })).toBe("A");
    // The same order again (a retry of the same request) keeps it; another order, in any case, is told who holds it.
    expect(await claimRequestSignature(h.db, { appkey: "k1", sign, orderId: "A", now: T0 })).toBe("A");
    expect(await claimRequestSignature(h.db, { appkey: "k1", sign: sign.toUpperCase(), orderId: "B", now: T0 })).toBe(
      "A",
    );
    // Another merchant's signature space is its own.
    expect(await claimRequestSignature(h.db, { appkey: "k2", sign, orderId: "C", now: T0 })).toBe("C");

    const racing = await Promise.all(
      ["D", "E"].map((to) => takeOverRequestSignature(h.db, { appkey: "k1", sign, from: "A", to, now: T0 + 1 })),
    );
    expect(racing.filter(Boolean)).toHaveLength(1);
    const winner = racing[0] ? "D" : "E";
    expect(await claimRequestSignature(h.db, { appkey: "k1", sign, orderId: "F", now: T0 })).toBe(winner);
  });

  it("concurrent claims of one signature: exactly one order holds it", async () => {
    const sign = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const holders = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimRequestSignature(h.db, { appkey: "k1", sign, orderId: `R${i}`, now: T0 }),
      ),
    );
    expect(new Set(holders).size).toBe(1);
  });

  it("the migration gives every existing order's signature to one order (several made from one: the first id)", async () => {
    const m = migrations(dialect)["010_issued_signatures"]!;
    const raw = h.db as unknown as Kysely<unknown>;
    await m.down!(raw);
    for (const [id, out, sign] of [
      ["MIG2", "m-2", S2],
      ["MIG1", "m-1", S2.toUpperCase()],
      ["MIG3", "m-3", S1],
    ] as const)
      expect(await insertCreatingOrder(h.db, order(id, out, sign))).toBe(true);
    await m.up(raw);
    const rows = await h.db.selectFrom("request_signatures").selectAll().orderBy("sign").execute();
    expect(rows).toEqual([
      { appkey: "k1", sign: S1, order_id: "MIG3", created_at: T0 },
      { appkey: "k1", sign: S2, order_id: "MIG1", created_at: T0 },
    ]);
  });
});
