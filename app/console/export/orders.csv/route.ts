import { exportOrdersRoute } from "@/lib/http/console-export-routes";

export const GET = exportOrdersRoute;
