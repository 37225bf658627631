import { vmqMonitorRoute } from "@/lib/http/param-routes";

export const GET = vmqMonitorRoute();
export const POST = GET;
