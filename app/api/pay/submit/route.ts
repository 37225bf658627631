import { epayV2SubmitHandler } from "@/lib/http/epay-v2-handler";

export const GET = epayV2SubmitHandler();
export const POST = GET;
