import { payerHandler } from "@/lib/http/payer-handler";
import { payloadPngRoute } from "@/lib/http/payer-routes";

export const GET = payerHandler(payloadPngRoute);
