import { demoReceiptsRoute } from "@/lib/demo/demo-routes";

export const GET = demoReceiptsRoute();
