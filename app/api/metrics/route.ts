import { metricsRoute } from "@/lib/http/param-routes";

export const GET = metricsRoute();
