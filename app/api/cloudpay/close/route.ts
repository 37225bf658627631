import { merchantHandler } from "@/lib/http/merchant-handler";
import { closeOrder } from "@/lib/orders/merchant-queries";

export const POST = merchantHandler(closeOrder);
