import { merchantHandler } from "@/lib/http/merchant-handler";
import { closeOrder } from "@/lib/merchant-api/cloudpay/cloudpay-queries";

export const POST = merchantHandler(closeOrder);
