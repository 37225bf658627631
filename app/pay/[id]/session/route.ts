import { payerHandler } from "@/lib/http/payer-handler";
import { sessionRoute } from "@/lib/http/payer-routes";

export const POST = payerHandler(sessionRoute);
