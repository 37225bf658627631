import { epayApiHandler } from "@/lib/http/epay-handler";

export const GET = epayApiHandler();
export const POST = GET;
