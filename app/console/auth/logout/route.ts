import { logoutRoute } from "@/lib/http/console-routes";

export const POST = logoutRoute;
