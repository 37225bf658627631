import { merchantHandler } from "@/lib/http/merchant-handler";
import { checkOrder } from "@/lib/orders/merchant-queries";

/** The 云端 vendor's name for the signed order query (PROTOCOLS §7); answers `data.order_status`. */
export const GET = merchantHandler(checkOrder);
export const POST = GET;
