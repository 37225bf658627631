import { demoNotifyRoute } from "@/lib/http/demo-routes";

export const POST = demoNotifyRoute();
