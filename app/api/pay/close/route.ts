import { epayV2ApiHandler } from "@/lib/http/epay-v2-handler";

export const POST = epayV2ApiHandler("pay/close");
export const GET = POST;
