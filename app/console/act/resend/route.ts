import { resendRoute } from "@/lib/http/console-routes";

export const POST = resendRoute;
