import "server-only";
import { findMerchant } from "@/lib/config/find";
import type { Merchant } from "@/lib/config/schema";
import type { AppContext } from "@/lib/context";
import { signaturesEqual } from "@/lib/crypto/digest";
import { issuedByPaydesk } from "@/lib/orders/signature-guard";
import { CloudpayCode, CloudpayError } from "./cloudpay-codes";

/**
 * The merchant a signed 云端 request names by `appkey` (the queries, ./cloudpay-queries.ts, and the refunds,
 * ./cloudpay-refund.ts): known, its API open, and a `sign` present. The signature itself is checked by the caller,
 * over its action's own fields (`assertSigned`).
 */
export function signedMerchant(ctx: AppContext, params: Record<string, string>): Merchant {
  if (!params.appkey) throw new CloudpayError(CloudpayCode.APPKEY_REQUIRED);
  const merchant = findMerchant(ctx.config, params.appkey);
  if (!merchant) throw new CloudpayError(CloudpayCode.APPKEY_INVALID);
  if (!merchant.api_enabled) throw new CloudpayError(CloudpayCode.API_CLOSED);
  if (!params.sign) throw new CloudpayError(CloudpayCode.SIGN_REQUIRED);
  return merchant;
}

/** Refuses a signature that does not verify, and one Paydesk itself issued (a notify's, a return URL's). */
export async function assertSigned(ctx: AppContext, expected: string, received: string | undefined): Promise<void> {
  if (!signaturesEqual(expected, received ?? "") || (await issuedByPaydesk(ctx, received ?? "")))
    throw new CloudpayError(CloudpayCode.SIGN_INVALID);
}
