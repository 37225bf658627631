import { merchantHandler } from "@/lib/http/merchant-handler";
import { queryOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";

export const GET = merchantHandler(queryOrder);
export const POST = GET;
