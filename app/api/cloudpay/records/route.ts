import { merchantHandler } from "@/lib/http/merchant-handler";
import { listRecords } from "@/lib/orders/merchant-queries";

export const GET = merchantHandler(listRecords);
export const POST = GET;
