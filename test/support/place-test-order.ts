import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { placeOrder, type OrderRequest } from "@/lib/orders/place-order";
import type { Order } from "@/lib/storage/records";

/**
 * Places an order for `merchant` as the order service receives one, with nothing but what a test varies: no name,
 * custom, URLs or signature. `type: null` is an epay order waiting for the payer's wallet choice. Not used by
 * production code.
 */
export function placeTestOrder(
  ctx: AppContext,
  merchant: Merchant,
  order: Pick<OrderRequest, "protocol" | "outOrderId" | "priceRaw" | "priceFen" | "type">,
): Promise<Order> {
  return placeOrder(ctx, merchant, {
    ...order,
    custom: "",
    name: "",
    notifyUrl: null,
    returnUrl: null,
    requestSign: "",
    digest: null,
  });
}
