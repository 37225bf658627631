import { epayV2ApiHandler } from "@/lib/http/epay-v2-handler";

export const POST = epayV2ApiHandler("merchant/orders");
export const GET = POST;
