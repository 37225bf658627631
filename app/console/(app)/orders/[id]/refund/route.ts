import { refundRoute } from "@/lib/http/console-order-routes";

export const POST = refundRoute;
