import "server-only";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { OrderError } from "@/lib/orders/order-errors";
import { placeOrder, type OrderRequest } from "@/lib/orders/place-order";
import { assertTypeOpen, NoCodeError, recordCodeFailures } from "@/lib/orders/request-code";
import { requestUrlProblem } from "@/lib/net/url-guard";
import { PAY_TYPES, type PayType } from "@/lib/pay-types";
import type { Order } from "@/lib/storage/records";

/**
 * The request's URLs, checked in both epay flavours (docs/protocols/epay.md, docs/protocols/epay-v2.md): each
 * non-empty one must be a URL a request may name, refused through `refuse` (each flavour's own error).
 */
export function checkEpayUrls(
  urls: { notify_url: string; return_url: string },
  refuse: (message: string) => Error,
): void {
  for (const [field, url] of [
    ["notify_url", urls.notify_url],
    ["return_url", urls.return_url],
  ] as const) {
    const problem = url ? requestUrlProblem(url) : null;
    if (problem) throw refuse(`${field} ${problem}`);
  }
}

/** The wallet asked for: none when `type` is empty (the payer chooses on the cashier), refused when unknown. */
export function epayPayType(type: string, refuse: (message: string) => Error): PayType | null {
  if (type === "") return null;
  if (!(PAY_TYPES as readonly string[]).includes(type))
    throw refuse(`不支持的支付方式 ${type}（可用：alipay、wxpay、qqpay）`);
  return type as PayType;
}

/**
 * Places an epay order of either flavour. When the payer's browser is waiting (`payerWaiting`) and no channel could
 * make the code for the requested wallet (every channel failed, or none can be asked now: all resting after
 * failures, monitors offline), the order is still made, without a wallet (the same request, so a repeat finds it),
 * and `failedType` says which wallet failed: the cashier then offers a retry and the other wallets.
 */
export async function placeEpayOrder(
  ctx: AppContext,
  merchant: Merchant,
  request: OrderRequest,
  payerWaiting: boolean,
): Promise<{ order: Order; failedType: PayType | null }> {
  const type = request.type;
  if (type) assertTypeOpen(ctx, merchant, type);
  try {
    return { order: await placeOrder(ctx, merchant, request), failedType: null };
  } catch (err) {
    const noCode = err instanceof NoCodeError || (err instanceof OrderError && err.kind === "channel-unavailable");
    if (!payerWaiting || !type || !noCode) throw err;
    const order = await placeOrder(ctx, merchant, { ...request, type: null });
    if (err instanceof NoCodeError) await recordCodeFailures(ctx, order, err.failures);
    return { order, failedType: type };
  }
}
