import { merchantHandler } from "@/lib/http/merchant-handler";
import { createOrder } from "@/lib/merchant-api/cloudpay/cloudpay-create";

export const POST = merchantHandler(createOrder);
