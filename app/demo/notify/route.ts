import { demoNotifyRoute } from "@/lib/demo/demo-routes";

export const POST = demoNotifyRoute();
