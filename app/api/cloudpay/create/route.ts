import { merchantHandler } from "@/lib/http/merchant-handler";
import { createOrder } from "@/lib/orders/create-order";

export const POST = merchantHandler(createOrder);
