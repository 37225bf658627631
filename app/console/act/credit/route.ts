import { creditRoute } from "@/lib/http/console-routes";

export const POST = creditRoute;
