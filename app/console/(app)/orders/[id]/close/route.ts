import { closeRoute } from "@/lib/http/console-order-routes";

export const POST = closeRoute;
