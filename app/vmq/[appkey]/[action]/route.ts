import { vmqApiRoute } from "@/lib/http/param-routes";

export const GET = vmqApiRoute();
export const POST = GET;
