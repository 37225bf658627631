import { payerHandler } from "@/lib/http/payer-handler";
import { checkRoute } from "@/lib/http/payer-routes";

export const POST = payerHandler(checkRoute);
