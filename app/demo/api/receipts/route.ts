import { demoReceiptsRoute } from "@/lib/http/demo-routes";

export const GET = demoReceiptsRoute();
