import { merchantHandler } from "@/lib/http/merchant-handler";
import { queryOrder } from "@/lib/orders/merchant-queries";

export const GET = merchantHandler(queryOrder);
export const POST = GET;
