import { epayMapiHandler } from "@/lib/http/epay-handler";

export const POST = epayMapiHandler();
export const GET = POST;
