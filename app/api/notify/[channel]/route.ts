import { notifyRoute } from "@/lib/http/param-routes";

export const POST = notifyRoute();
export const GET = POST;
