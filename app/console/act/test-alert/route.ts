import { testAlertRoute } from "@/lib/http/console-routes";

export const POST = testAlertRoute;
