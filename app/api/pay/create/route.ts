import { epayV2ApiHandler } from "@/lib/http/epay-v2-handler";

export const POST = epayV2ApiHandler("pay/create");
export const GET = POST;
