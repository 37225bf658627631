import { exportPaymentsRoute } from "@/lib/http/console-export-routes";

export const GET = exportPaymentsRoute;
