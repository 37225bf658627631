import { noteRoute } from "@/lib/http/console-order-routes";

export const POST = noteRoute;
