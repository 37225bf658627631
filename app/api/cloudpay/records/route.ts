import { merchantHandler } from "@/lib/http/merchant-handler";
import { listRecords } from "@/lib/merchant-api/cloudpay/cloudpay-queries";

export const GET = merchantHandler(listRecords);
export const POST = GET;
