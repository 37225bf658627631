import { payerHandler } from "@/lib/http/payer-handler";
import { payApiRoute } from "@/lib/http/payer-routes";

export const GET = payerHandler(payApiRoute);
