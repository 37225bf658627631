import { exportAuditRoute } from "@/lib/http/console-export-routes";

export const GET = exportAuditRoute;
