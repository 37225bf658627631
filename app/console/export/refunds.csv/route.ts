import { exportRefundsRoute } from "@/lib/http/console-export-routes";

export const GET = exportRefundsRoute;
