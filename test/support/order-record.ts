import type { Order } from "@/lib/storage/records";

/**
 * An order record with every field at a neutral default (a 1.00 Alipay 云端 order of merchant k1 on channel c1,
 * created at 0). Free of vitest, so scripts (scripts/bench-export.ts) build their rows with it as the tests do
 * (order-fixture.ts `testOrder`).
 */
export function orderRecord(over: Partial<Order> = {}): Order {
  return {
    id: "",
    appkey: "k1",
    out_order_id: "",
    custom: "",
    type: "alipay",
    price_raw: "1.00",
    price_fen: 100,
    pay_amount_fen: 100,
    free_amount: false,
    request_sign: "s",
    channel_id: "c1",
    provider_order_id: null,
    payload: "",
    status: "creating",
    late: false,
    real_fen: null,
    created_at: 0,
    expires_at: 0,
    paid_at: null,
    closed_at: null,
    reconcile_asked_at: null,
    updated_at: 0,
    protocol: "cloudpay",
    name: "",
    notify_url: null,
    return_url: null,
    request_digest: null,
    ...over,
  };
}
