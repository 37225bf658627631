import { dismissRoute } from "@/lib/http/console-routes";

export const POST = dismissRoute;
