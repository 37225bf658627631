import { epaySubmitHandler } from "@/lib/http/epay-handler";

export const GET = epaySubmitHandler();
export const POST = GET;
