import type { AppContext } from "@/lib/context";
import type { Order } from "@/lib/storage/records";

/** The order list's page size in both epay flavours: 10 by default, at most 50 (the server's cap). */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 50;
/** Offsets beyond this are refused, as the server does. */
const MAX_OFFSET = 100_000;

/** A whole number as PHP's intval reads a clean one; undefined for anything else (then the default applies). */
function wholeNumber(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/**
 * The page of a merchant's orders, newest first, that epay's `act=orders` and V2's `merchant/orders` list
 * (docs/protocols/epay.md#order-list, docs/protocols/epay-v2.md): `limit`, `offset`, and `status` 1 for the paid
 * ones, 0 for the others. A bad `offset` or `status` is refused with the words both servers use, through `refuse`
 * (each flavour's own error, so each answers in its own codes).
 */
export async function listEpayOrderPage(
  ctx: AppContext,
  appkey: string,
  params: Record<string, string>,
  refuse: (message: string) => Error,
): Promise<Order[]> {
  const limit = Math.min(Math.max(wholeNumber(params.limit) ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
  const offset = wholeNumber(params.offset) ?? 0;
  if (offset > MAX_OFFSET) throw refuse(`offset 不能超过 ${MAX_OFFSET}`);
  const rawStatus = params.status ?? "";
  const status = rawStatus === "" ? undefined : wholeNumber(rawStatus);
  if (rawStatus !== "" && status === undefined) throw refuse("status 须为数字（1 已支付，0 未支付）");
  const statuses =
    status === undefined
      ? undefined
      : status === 1
        ? (["paid"] as const)
        : status === 0
          ? (["pending", "expired", "closed"] as const)
          : [];
  return ctx.repos.orders.listMerchantOrders(appkey, { limit, offset, ...(statuses ? { statuses } : {}) });
}
