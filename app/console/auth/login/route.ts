import { loginRoute } from "@/lib/http/console-routes";

export const POST = loginRoute;
