import { merchantHandler } from "@/lib/http/merchant-handler";
import { refundOrderApi } from "@/lib/merchant-api/cloudpay/cloudpay-refund";

export const POST = merchantHandler(refundOrderApi);
