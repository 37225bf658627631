import { merchantHandler } from "@/lib/http/merchant-handler";
import { checkOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";

/**
 * The 云端 vendor's name for the signed order query (docs/protocols/cloudpay.md#vendor-clients); answers
 * `data.order_status`.
 */
export const GET = merchantHandler(checkOrder);
export const POST = GET;
