import { merchantHandler } from "@/lib/http/merchant-handler";
import { queryRefundApi } from "@/lib/merchant-api/cloudpay/cloudpay-refund";

export const GET = merchantHandler(queryRefundApi);
export const POST = GET;
